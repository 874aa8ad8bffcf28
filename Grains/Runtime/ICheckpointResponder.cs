using OrleansFlow.Checkpoints;

namespace OrleansFlow.Runtime;

/// <summary>How a subtask answers the checkpoint coordinator, after Flink's CheckpointResponder.</summary>
internal interface ICheckpointResponder
{
    /// <summary>The subtask's part of a checkpoint is durable.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="snapshot">What the subtask recorded for it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task AcknowledgeAsync(long checkpointId, TaskSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The subtask cannot complete a checkpoint.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="kind">Why, for the coordinator's failure count.</param>
    /// <param name="reason">Why, for people.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task DeclineAsync(long checkpointId, DeclineKind kind, string reason, CancellationToken cancellationToken);
}
