using System.Globalization;
using System.Text;
using OrleansFlow.Checkpoints;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>Reads a job's checkpoint overview from its coordinator grain and waits for conditions on it.</summary>
public static class CheckpointWatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static Task<CheckpointOverview> OverviewAsync(IGrainFactory grains, string jobId) =>
        grains.GetGrain<ICheckpointCoordinatorGrain>(jobId).GetOverviewAsync(CancellationToken.None);

    /// <summary>Polls the overview until <paramref name="condition"/> holds; fails naming <paramref name="what"/> and the history otherwise.</summary>
    public static async Task<CheckpointOverview> WaitForAsync(IGrainFactory grains, string jobId, Func<CheckpointOverview, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeouts.Job);
        while (true)
        {
            var overview = await OverviewAsync(grains, jobId);
            if (condition(overview))
            {
                return overview;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId}: gave up waiting for {what}. {Describe(overview)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> checkpoints of the job have completed.</summary>
    public static Task<CheckpointOverview> WaitForCompletedAsync(IGrainFactory grains, string jobId, int count, TimeSpan? timeout = null) =>
        WaitForAsync(grains, jobId, o => o.Completed >= count, $"{count} completed checkpoints", timeout);

    /// <summary>
    /// Holds the subtask waiting at <paramref name="faults"/>' armed gate until a checkpoint of the job has timed out, then
    /// opens the gate (also when the wait fails, so the job can go on). A checkpoint timeout test's stall, without racing
    /// the triggers a timed stall delays.
    /// </summary>
    public static async Task OpenGateAfterATimeoutAsync(IGrainFactory grains, string jobId, FaultInjection faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        try
        {
            await faults.GateEntered.WaitAsync(TestTimeouts.Job);
            await WaitForAsync(grains, jobId, o => o.History.Any(h => h.FailureReason?.StartsWith("Timeout", StringComparison.Ordinal) == true), "a checkpoint that timed out");
        }
        finally
        {
            faults.OpenGate();
        }
    }

    /// <summary>The history oldest first (by id).</summary>
    public static IReadOnlyList<CheckpointStats> Chronological(CheckpointOverview overview) =>
        [.. overview.History.OrderBy(h => h.CheckpointId)];

    /// <summary>
    /// Whether a checkpoint failed because the end of a bounded job overtook it: a source could not take it (it had
    /// just finished) or it was still in flight when the job ended (coordinator shut down). Such failures are expected
    /// and do not count against the tolerable failures.
    /// </summary>
    public static bool EndedWithTheJob(CheckpointStats stats) =>
        stats.FailureReason?.StartsWith("TaskNotReady", StringComparison.Ordinal) == true
        || stats.FailureReason?.StartsWith("CoordinatorShutdown", StringComparison.Ordinal) == true;

    /// <summary>When a checkpoint ended (trigger time plus duration), or null while it is in progress.</summary>
    public static DateTimeOffset? EndTime(CheckpointStats stats) =>
        stats.DurationMs is { } ms ? stats.TriggerTime + TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>The counts and one line per checkpoint, for assertion messages.</summary>
    public static string Describe(CheckpointOverview overview)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Checkpoints: {overview.Completed} completed, {overview.Failed} failed, latest completed {overview.LatestCompletedId}, restarts {overview.Restarts}; history:");
        foreach (var h in Chronological(overview))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  #{h.CheckpointId} attempt {h.Attempt} {h.Status} triggered {h.TriggerTime:HH:mm:ss.fff} took {h.DurationMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms size {h.StateSize}");
            if (h.FailureReason is { } reason)
            {
                text.Append(CultureInfo.InvariantCulture, $" reason: {reason}");
            }
        }

        return text.ToString();
    }
}
