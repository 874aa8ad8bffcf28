namespace OrleansFlow.Checkpoints;

/// <summary>One checkpoint as the coordinator records it (Flink's checkpoint history entry).</summary>
/// <param name="CheckpointId">The id.</param>
/// <param name="Attempt">The job attempt it belonged to.</param>
/// <param name="TriggerTime">When it was triggered.</param>
/// <param name="DurationMs">From trigger to completion or abort, or null while in progress.</param>
/// <param name="StateSize">Bytes the tasks reported (per-key state written plus task records).</param>
/// <param name="Status">In progress, completed or failed.</param>
/// <param name="FailureReason">Why it failed, if it did.</param>
/// <param name="IsSavepoint">Whether it was a savepoint.</param>
[GenerateSerializer, Immutable, Alias("flow.CheckpointStats")]
public sealed record CheckpointStats(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] DateTimeOffset TriggerTime,
    [property: Id(3)] long? DurationMs,
    [property: Id(4)] long StateSize,
    [property: Id(5)] CheckpointStatus Status,
    [property: Id(6)] string? FailureReason,
    [property: Id(7)] bool IsSavepoint = false);

/// <summary>Where a checkpoint is in its life.</summary>
public enum CheckpointStatus
{
    /// <summary>Triggered, waiting for acknowledgements.</summary>
    InProgress = 0,

    /// <summary>Every task acknowledged; the job can restore from it.</summary>
    Completed = 1,

    /// <summary>Aborted (timeout, declined, storage failure, ...).</summary>
    Failed = 2,
}

/// <summary>A job's checkpoint counts and recent history (newest first).</summary>
/// <param name="Completed">Checkpoints completed over the job's life.</param>
/// <param name="Failed">Checkpoints failed over the job's life.</param>
/// <param name="LatestCompletedId">The checkpoint a restart would restore, or 0.</param>
/// <param name="Restarts">How many times the job restarted.</param>
/// <param name="History">Recent checkpoints, newest first.</param>
/// <param name="Summary">Counts and duration and size statistics over the completed checkpoints of <paramref name="History"/>.</param>
[GenerateSerializer, Immutable, Alias("flow.CheckpointOverview")]
public sealed record CheckpointOverview(
    [property: Id(0)] int Completed,
    [property: Id(1)] int Failed,
    [property: Id(2)] long LatestCompletedId,
    [property: Id(3)] int Restarts,
    [property: Id(4)] IReadOnlyList<CheckpointStats> History,
    [property: Id(5)] CheckpointSummary Summary);
