namespace OrleansFlow.Jobs;

/// <summary>A job's checkpointing settings, fixed at submission (validated by the SDK's CheckpointConfig).</summary>
/// <param name="IntervalMs">Time between checkpoint triggers; 0 disables periodic checkpoints.</param>
/// <param name="TimeoutMs">A checkpoint not complete after this long is aborted.</param>
/// <param name="MaxConcurrent">Most checkpoints in progress at once.</param>
/// <param name="MinPauseMs">Least time from the end of one checkpoint to the start of the next (limits concurrency to 1 when set).</param>
/// <param name="TolerableFailures">Consecutive failed checkpoints tolerated before the job fails.</param>
/// <param name="Mode">Exactly-once (aligned) or at-least-once.</param>
/// <param name="Retained">Completed checkpoints kept to restore from.</param>
/// <param name="RetainOnCancel">Whether completed checkpoints are kept when the job is cancelled.</param>
/// <param name="MaterializationIntervalMs">Longest a keyed subtask's checkpoints build on one full snapshot segment
/// before it writes a new one in the background (Flink's changelog periodic materialization).</param>
[GenerateSerializer, Immutable, Alias("flow.CheckpointSettings")]
public sealed record CheckpointSettings(
    [property: Id(0)] long IntervalMs,
    [property: Id(1)] long TimeoutMs = 600_000,
    [property: Id(2)] int MaxConcurrent = 1,
    [property: Id(3)] long MinPauseMs = 0,
    [property: Id(4)] int TolerableFailures = 0,
    [property: Id(5)] CheckpointingMode Mode = CheckpointingMode.ExactlyOnce,
    [property: Id(6)] int Retained = 1,
    [property: Id(7)] bool RetainOnCancel = false,
    [property: Id(8)] long MaterializationIntervalMs = 600_000)
{
    /// <summary>Checkpointing off (the default, as in Flink).</summary>
    public static CheckpointSettings Disabled { get; } = new(IntervalMs: 0);

    /// <summary>Whether periodic checkpoints are taken.</summary>
    public bool IsEnabled => IntervalMs > 0;
}
