namespace OrleansFlow.Jobs;

/// <summary>
/// A completed savepoint: a consistent image of a job (source positions, keyed state, windows, timers, committed sink
/// output) that a new job can start from with <see cref="StreamExecutionEnvironment.RestoreFrom"/>. It is kept through
/// the cluster's checkpoint storage (the grain storage provider <c>flow-checkpoints</c>), so it outlives the job, its
/// cancellation and silo restarts; savepoints are not deleted by the engine.
/// </summary>
/// <param name="Id">The id to restore from (<c>savepoint-&lt;job id&gt;-&lt;checkpoint id&gt;</c>).</param>
/// <param name="JobId">The job that took it.</param>
/// <param name="CheckpointId">Its checkpoint id within that job.</param>
public sealed record Savepoint(string Id, string JobId, long CheckpointId);
