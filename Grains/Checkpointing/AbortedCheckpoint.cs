namespace OrleansFlow.Checkpointing;

/// <summary>A checkpoint a task gave up: it declines it to the coordinator and forwards a cancellation marker downstream.</summary>
/// <param name="CheckpointId">The checkpoint's id.</param>
/// <param name="Reason">Why: <see cref="CheckpointFailureReason.Subsumed"/> or <see cref="CheckpointFailureReason.CancellationMarker"/>.</param>
internal readonly record struct AbortedCheckpoint(long CheckpointId, CheckpointFailureReason Reason);
