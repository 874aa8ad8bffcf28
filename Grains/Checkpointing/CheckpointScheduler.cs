namespace OrleansFlow.Checkpointing;

/// <summary>
/// Decides when periodic checkpoints start, as Flink's CheckpointRequestDecider: a checkpoint is due one interval
/// after the previous one started (the first one interval after the scheduler was created); it starts only while
/// fewer than the allowed number of checkpoints are in flight, and not before the minimum pause has passed since
/// the end (completion or abort) of the last checkpoint. A non-zero minimum pause limits concurrency to one, and an
/// interval shorter than the minimum pause is raised to it, as in Flink. It only decides: the caller reports
/// triggers and ends, and owns the timers.
/// </summary>
/// <remarks>
/// Flink's CheckpointCoordinator restarts the pause only when a checkpoint completes; issue 4 counts it from the end
/// of a completed or aborted one, so the caller reports both through <see cref="OnCheckpointEnded"/>.
/// </remarks>
internal sealed class CheckpointScheduler
{
    private readonly TimeProvider _time;
    private DateTimeOffset _nextDue;
    private DateTimeOffset? _lastEnd;

    /// <summary>Creates a scheduler whose first checkpoint is due one interval from now.</summary>
    /// <param name="interval">The time between the starts of periodic checkpoints.</param>
    /// <param name="minPause">The minimum time from the end of one checkpoint to the start of the next (zero for none).</param>
    /// <param name="maxConcurrent">How many checkpoints may be in flight at once (at least 1).</param>
    /// <param name="time">The clock.</param>
    public CheckpointScheduler(TimeSpan interval, TimeSpan minPause, int maxConcurrent, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPause, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentNullException.ThrowIfNull(time);

        _time = time;
        Interval = interval < minPause ? minPause : interval;
        MinPause = minPause;
        MaxConcurrent = minPause > TimeSpan.Zero ? 1 : maxConcurrent;
        _nextDue = time.GetUtcNow() + Interval;
    }

    /// <summary>The effective interval: the configured one, raised to the minimum pause if that is longer.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The minimum pause between the end of one checkpoint and the start of the next.</summary>
    public TimeSpan MinPause { get; }

    /// <summary>The effective concurrency limit: 1 when a minimum pause is set, the configured value otherwise.</summary>
    public int MaxConcurrent { get; }

    /// <summary>When the next periodic checkpoint is due, before the concurrency and pause limits are applied.</summary>
    public DateTimeOffset NextDue => _nextDue;

    /// <summary>When the last checkpoint completed or was aborted; null before the first one ended.</summary>
    public DateTimeOffset? LastEnd => _lastEnd;

    /// <summary>Decides whether a periodic checkpoint may be triggered now.</summary>
    /// <param name="pendingCount">How many checkpoints are in flight (triggered and not yet completed or aborted).</param>
    public CheckpointTriggerDecision Decide(int pendingCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pendingCount);
        var now = _time.GetUtcNow();
        if (now < _nextDue)
        {
            return new CheckpointTriggerDecision(TriggerVerdict.NotDue, _nextDue);
        }

        if (pendingCount >= MaxConcurrent)
        {
            return new CheckpointTriggerDecision(TriggerVerdict.TooManyConcurrent, null);
        }

        if (_lastEnd is { } lastEnd && now < lastEnd + MinPause)
        {
            return new CheckpointTriggerDecision(TriggerVerdict.MinimumPause, lastEnd + MinPause);
        }

        return new CheckpointTriggerDecision(TriggerVerdict.TriggerNow, null);
    }

    /// <summary>A checkpoint was triggered now: the next periodic one is due one interval later.</summary>
    public void OnTriggered() => _nextDue = _time.GetUtcNow() + Interval;

    /// <summary>A checkpoint completed or was aborted now: the minimum pause counts from here.</summary>
    public void OnCheckpointEnded() => _lastEnd = _time.GetUtcNow();
}
