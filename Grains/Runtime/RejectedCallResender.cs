namespace OrleansFlow.Runtime;

/// <summary>
/// Awaits a wave of per-key grain calls and sends again those Orleans rejected. A rejection means the call never ran:
/// it reached a silo that no longer has the grain's activation and could not forward it (a silo that stops gracefully
/// has migrated its per-key grains away and, late in its stop, can no longer address anything), or a silo already known
/// to be dead. The rejection clears the caller's cached address of the grain, so the call sent again is addressed
/// afresh, to where the grain lives now. A grain that lost its live state (its silo died) answers "state lost" to the
/// call sent again, which fails the attempt as before; a call that carried a seed replaces the state with it either way.
/// </summary>
internal static class RejectedCallResender
{
    /// <summary>How many times one call is sent again before its rejection fails the wave.</summary>
    public const int MaxResends = 3;

    /// <summary>Whether <paramref name="error"/> says the call was rejected (never ran) rather than failed.</summary>
    public static bool IsRejection(Exception error) => error is OrleansMessageRejectionException;

    /// <summary>
    /// The answers of <paramref name="calls"/>, in order. While every failed call was rejected, each is sent again with
    /// <paramref name="resend"/> (its index), at most <paramref name="maxResends"/> times, and
    /// <paramref name="onResend"/> hears of each round (the indexes sent again, the first rejection); any other failure (or a rejection past the limit) is thrown as
    /// <see cref="Task.WhenAll(Task[])"/> throws it. <paramref name="calls"/> is updated in place.
    /// </summary>
    public static async Task<T[]> AwaitAllAsync<T>(
        Task<T>[] calls, Func<int, Task<T>> resend, Action<IReadOnlyList<int>, Exception>? onResend = null, int maxResends = MaxResends)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(resend);
        for (var round = 0; ; round++)
        {
            try
            {
                return await Task.WhenAll(calls);
            }
            catch (Exception) when (round < maxResends && OnlyRejections(calls))
            {
                var rejected = Enumerable.Range(0, calls.Length).Where(i => !calls[i].IsCompletedSuccessfully).ToList();
                onResend?.Invoke(rejected, calls[rejected[0]].Exception!.InnerException!);
                foreach (var i in rejected)
                {
                    calls[i] = resend(i);
                }
            }
        }
    }

    /// <summary>Whether every call that did not succeed was rejected (none was canceled or failed otherwise).</summary>
    private static bool OnlyRejections<T>(Task<T>[] calls) =>
        calls.All(c => c.IsCompletedSuccessfully || (c.Exception?.InnerExceptions is [var e] && IsRejection(e)));
}
