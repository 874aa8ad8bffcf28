using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// Keeps a job's checkpoint statistics in the coordinator's persisted state, as Flink's CheckpointStatsTracker: the
/// completed and failed counts over the job's life and the history of the newest <see cref="HistoryLength"/>
/// checkpoints (newest first), from which <see cref="CheckpointSummaryCalculator"/> computes the summary.
/// </summary>
/// <param name="state">The current persisted state (a take-over may replace it, so it is asked each time).</param>
/// <param name="time">The clock, for the duration of failed checkpoints.</param>
internal sealed class CheckpointStatsTracker(Func<CoordinatorState> state, TimeProvider time)
{
    /// <summary>How many checkpoints the history keeps.</summary>
    public const int HistoryLength = 50;

    private List<CheckpointStats> History => state().History;

    /// <summary>The history entry of a checkpoint, or null when it is not (or no longer) in the history.</summary>
    public CheckpointStats? Find(long checkpointId) => History.Find(h => h.CheckpointId == checkpointId);

    /// <summary>The newest history entry, or null.</summary>
    public CheckpointStats? Newest => History.FirstOrDefault();

    /// <summary>A checkpoint (or savepoint) was triggered: it enters the history in progress.</summary>
    public void ReportPending(long checkpointId, int attempt, DateTimeOffset triggerTime, bool isSavepoint)
    {
        History.Insert(0, new CheckpointStats(checkpointId, attempt, triggerTime, null, 0, CheckpointStatus.InProgress, null, isSavepoint));
        Trim();
    }

    /// <summary>Counts a completed checkpoint (its history entry is updated separately, see <see cref="Update"/>).</summary>
    public void CountCompleted() => state().CompletedCount++;

    /// <summary>A completion counted by <see cref="CountCompleted"/> could not be persisted after all: it counts as failed.</summary>
    public void RecountCompletedAsFailed()
    {
        var current = state();
        current.CompletedCount--;
        current.FailedCount++;
    }

    /// <summary>
    /// A checkpoint failed now: counts it and records its duration (since <paramref name="triggerTime"/>), size and
    /// reason in its history entry, which is added when it has none.
    /// </summary>
    public void ReportFailed(long checkpointId, DateTimeOffset triggerTime, long size, string reason)
    {
        var current = state();
        current.FailedCount++;
        var duration = (long)(time.GetUtcNow() - triggerTime).TotalMilliseconds;
        if (!Update(checkpointId, duration, size, CheckpointStatus.Failed, reason))
        {
            current.History.Insert(0, new CheckpointStats(checkpointId, current.Attempt, triggerTime, duration, size, CheckpointStatus.Failed, reason));
            Trim();
        }
    }

    /// <summary>Updates a checkpoint's history entry; returns false when it has none.</summary>
    public bool Update(long checkpointId, long durationMs, long size, CheckpointStatus status, string? reason)
    {
        var history = History;
        var index = history.FindIndex(h => h.CheckpointId == checkpointId);
        if (index < 0)
        {
            return false;
        }

        history[index] = history[index] with { DurationMs = durationMs, StateSize = size, Status = status, FailureReason = reason };
        return true;
    }

    /// <summary>The overview a client sees.</summary>
    /// <param name="latestCompleted">The latest completed checkpoint's id.</param>
    /// <param name="restarts">How often the job restarted (the attempt its job manager runs).</param>
    public CheckpointOverview Overview(long latestCompleted, int restarts)
    {
        var current = state();
        CheckpointStats[] history = [.. current.History];
        var summary = CheckpointSummaryCalculator.Summarize(current.CompletedCount, current.FailedCount, history);
        return new CheckpointOverview(current.CompletedCount, current.FailedCount, latestCompleted, restarts, history, summary);
    }

    private void Trim()
    {
        var history = History;
        if (history.Count > HistoryLength)
        {
            history.RemoveRange(HistoryLength, history.Count - HistoryLength);
        }
    }
}
