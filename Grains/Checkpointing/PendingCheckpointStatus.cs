namespace OrleansFlow.Checkpointing;

/// <summary>Where a <see cref="PendingCheckpoint"/> is in its life.</summary>
internal enum PendingCheckpointStatus
{
    /// <summary>Triggered and waiting for acknowledgements.</summary>
    InProgress,

    /// <summary>Every task acknowledged and <see cref="PendingCheckpoint.Complete"/> was called.</summary>
    Completed,

    /// <summary>Aborted (timeout, decline, subsumed, ...); see <see cref="PendingCheckpoint.FailureReason"/>.</summary>
    Aborted,
}
