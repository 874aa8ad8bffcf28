using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansFlow.Configuration;

namespace OrleansFlow.Jobs;

/// <summary>
/// Retries a client call that failed because a silo (or the gateway the client used) went away: while the cluster
/// notices and the grain comes back on another silo, such calls fail for a second or two. Other errors pass through.
/// </summary>
internal static class ClusterCallRetry
{
    /// <summary>Runs <paramref name="call"/>, trying it again every <see cref="JobClientOptions.CallRetryPause"/> for up to <see cref="JobClientOptions.CallRetryTimeout"/>.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, JobClientOptions options, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow - started < options.CallRetryTimeout && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.CallRetryPause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Errors of a lost silo or connection, as opposed to errors the grain itself raised.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ConnectionFailedException or GatewayTooBusyException
            || (exception.InnerException is { } inner && IsTransient(inner));
}
