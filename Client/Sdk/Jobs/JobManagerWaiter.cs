namespace OrleansFlow.Jobs;

/// <summary>
/// Long-polls a job manager for its status, riding out silo failures. When the job manager's silo dies while a poll
/// is in flight, the poll either fails with a rejection or never gets an answer (the gateway that forwarded it does
/// not fail it; Orleans would give up after its 30 s response timeout). So each poll is cut off shortly after its
/// own wait, and such failures are retried after a short delay (the next call activates the job manager on a live
/// silo, through any live gateway) until the cluster has not answered for <see cref="MaxUnreachable"/>.
/// </summary>
internal sealed class JobManagerWaiter(IJobManagerGrain manager, TimeSpan pollInterval, TimeProvider? time = null, TimeSpan? retryDelay = null)
{
    /// <summary>How long the waiter keeps retrying a cluster that does not answer.</summary>
    public static readonly TimeSpan MaxUnreachable = TimeSpan.FromMinutes(2);

    /// <summary>How long a poll may take beyond its wait before it is given up.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>The pause before a failed poll is repeated, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _retryDelay = retryDelay ?? DefaultRetryDelay;
    private long? _unansweredSince;

    /// <summary>One poll: the status once the job is terminal or <c>pollInterval</c> has passed.</summary>
    public async Task<JobStatusInfo> WaitOnceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var deadline = new CancellationTokenSource(pollInterval + Grace, _time))
            using (var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
            {
                try
                {
                    var status = await manager.WaitForTerminalAsync(pollInterval, call.Token).ConfigureAwait(false);
                    _unansweredSince = null;
                    return status;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
                {
                    _unansweredSince ??= _time.GetTimestamp();
                    if (_time.GetElapsedTime(_unansweredSince.Value) > MaxUnreachable)
                    {
                        throw;
                    }
                }
            }

            await Task.Delay(_retryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Failures a lost silo or gateway causes; anything else (an unknown job, a bug) is not retried.</summary>
    private static bool IsTransient(Exception e) => e is OperationCanceledException || ClusterCallRetry.IsTransient(e);
}
