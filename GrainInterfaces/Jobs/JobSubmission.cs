namespace OrleansFlow.Jobs;

/// <summary>Everything a job manager needs to run a job.</summary>
/// <param name="JobId">Unique id of the job.</param>
/// <param name="JobName">Display name.</param>
/// <param name="Source">Where the job's code comes from.</param>
/// <param name="Plan">The physical plan.</param>
/// <param name="Settings">Runtime settings.</param>
/// <param name="Checkpointing">Checkpointing settings (disabled unless the job enables it).</param>
/// <param name="Restart">Restart strategy; null means Flink's default (fixed delay, unlimited, 1 s, when checkpointing is on; none otherwise).</param>
/// <param name="RestoreFrom">A savepoint to start from (its id), or null.</param>
/// <param name="AllowNonRestoredState">Whether state in the savepoint that no operator of this job takes is dropped
/// (otherwise the submission fails naming the operator).</param>
/// <param name="Restore">What the job manager resolved <paramref name="RestoreFrom"/> to (null from the client).</param>
/// <param name="SubmissionToken">The cluster's shared submission token, when it requires one; the job manager checks it
/// and does not keep it.</param>
[GenerateSerializer, Immutable, Alias("flow.JobSubmission")]
public sealed record JobSubmission(
    [property: Id(0)] string JobId,
    [property: Id(1)] string JobName,
    [property: Id(2)] JobSource Source,
    [property: Id(3)] JobPlan Plan,
    [property: Id(4)] ExecutionSettings Settings,
    [property: Id(5)] CheckpointSettings? Checkpointing = null,
    [property: Id(6)] RestartStrategySettings? Restart = null,
    [property: Id(7)] string? RestoreFrom = null,
    [property: Id(8)] bool AllowNonRestoredState = false,
    [property: Id(9)] SavepointRestore? Restore = null,
    [property: Id(10)] string? SubmissionToken = null);
