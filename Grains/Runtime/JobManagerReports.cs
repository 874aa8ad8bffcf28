namespace OrleansFlow.Runtime;

/// <summary>
/// Delivers a task's report to its job manager (finished, failed) despite a lost call: after a silo's death a call to
/// the job manager can fail (its silo is gone, or Orleans gives up placing it: "Message expired before placement
/// could complete") while the job manager comes back elsewhere. A lost report would leave the job waiting for ever, so
/// the call is retried with growing pauses until it is delivered, the report no longer matters (the task was
/// cancelled) or the give-up time (<see cref="Configuration.TaskOptions.JobManagerReportTimeout"/>) has passed; every exception counts as a lost call, since the job manager
/// itself never fails a report. Must run in the grain's context (no <c>ConfigureAwait(false)</c>).
/// </summary>
internal static class JobManagerReports
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    /// <summary>
    /// Calls <paramref name="report"/> until it succeeds. Returns false without delivering when <paramref name="obsolete"/>
    /// becomes true between tries; throws the last error after <paramref name="giveUpAfter"/>.
    /// </summary>
    /// <param name="report">The call to the job manager.</param>
    /// <param name="obsolete">Whether the report no longer needs delivering (the task was cancelled).</param>
    /// <param name="onRetry">Hears each failed try before the pause (for logging).</param>
    /// <param name="giveUpAfter">How long failed tries are retried.</param>
    /// <param name="time">The clock for pauses.</param>
    /// <param name="cancellationToken">Stops the retries (the exception then propagates).</param>
    public static async Task<bool> DeliverAsync(Func<Task> report, Func<bool> obsolete, Action<Exception, int> onRetry, TimeSpan giveUpAfter, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(obsolete);
        ArgumentNullException.ThrowIfNull(onRetry);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            if (obsolete())
            {
                return false;
            }

            try
            {
                await report();
                return true;
            }
            catch (Exception e) when (time.GetElapsedTime(started) < giveUpAfter && !cancellationToken.IsCancellationRequested)
            {
                onRetry(e, attempt);
            }

            await Task.Delay(Pauses[Math.Min(attempt, Pauses.Length) - 1], time, cancellationToken);
        }
    }
}
