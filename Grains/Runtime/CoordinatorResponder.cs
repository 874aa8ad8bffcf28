using OrleansFlow.Checkpoints;

namespace OrleansFlow.Runtime;

/// <summary>Answers the job's <see cref="ICheckpointCoordinatorGrain"/> on behalf of one subtask attempt.</summary>
internal sealed class CoordinatorResponder(IGrainFactory grains, TaskAddress address) : ICheckpointResponder
{
    private ICheckpointCoordinatorGrain Coordinator => grains.GetGrain<ICheckpointCoordinatorGrain>(address.JobId);

    /// <inheritdoc/>
    public Task AcknowledgeAsync(long checkpointId, TaskSnapshot snapshot, CancellationToken cancellationToken) =>
        Coordinator.AcknowledgeAsync(checkpointId, address.VertexId, address.Subtask, address.Attempt, snapshot, cancellationToken);

    /// <inheritdoc/>
    public Task DeclineAsync(long checkpointId, DeclineKind kind, string reason, CancellationToken cancellationToken) =>
        Coordinator.DeclineAsync(checkpointId, address.VertexId, address.Subtask, address.Attempt, kind, reason, cancellationToken);
}
