using OrleansFlow.Checkpoints;

namespace OrleansFlow.Jobs;

/// <summary>
/// A job started from a savepoint, as its job manager resolved it: the savepoint's checkpoint id (the job's first
/// restore point; its own checkpoint ids continue above it) and which of the job's operators got state from it.
/// </summary>
/// <param name="SavepointId">The savepoint.</param>
/// <param name="CheckpointId">The savepoint's checkpoint id in the job that took it.</param>
/// <param name="RestoredOperatorIds">Operators of this job that got state from the savepoint (others start empty).</param>
[GenerateSerializer, Immutable, Alias("flow.SavepointRestore")]
public sealed record SavepointRestore(
    [property: Id(0)] string SavepointId,
    [property: Id(1)] long CheckpointId,
    [property: Id(3)] List<int> RestoredOperatorIds);
