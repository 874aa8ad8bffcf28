using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// How the <see cref="CheckpointCoordinator"/> reaches the tasks of an attempt (in Flink, the execution's task manager
/// gateway). The grain implementation makes grain calls; unit tests use a fake.
/// </summary>
internal interface ICheckpointTaskGateway
{
    /// <summary>Asks every source subtask of <paramref name="attempt"/> to inject the barrier of <paramref name="checkpointId"/>.</summary>
    /// <exception cref="Exception">Some source could not be asked (the checkpoint cannot run everywhere).</exception>
    Task TriggerCheckpointAsync(JobPlan plan, int attempt, long checkpointId, CancellationToken cancellationToken);

    /// <summary>
    /// Tells every subtask of <paramref name="attempt"/> that <paramref name="checkpointId"/> completed, each with its
    /// own record of it (<paramref name="records"/>, by <see cref="RetainedCheckpoint.TaskKey"/>), so that sinks commit.
    /// </summary>
    Task NotifyCheckpointCompleteAsync(JobPlan plan, int attempt, long checkpointId, IReadOnlyDictionary<string, TaskSnapshot> records, CancellationToken cancellationToken);
}
