namespace OrleansFlow.Checkpoints;

/// <summary>Why a subtask declines a checkpoint, which decides whether the decline counts as a checkpoint failure.</summary>
public enum DeclineKind
{
    /// <summary>Its snapshot could not be taken or written (Flink: CHECKPOINT_DECLINED); counts as a failure.</summary>
    SnapshotFailed,

    /// <summary>
    /// A newer checkpoint's barrier arrived while this one was still aligning, so the subtask aborted it (Flink:
    /// CHECKPOINT_DECLINED_SUBSUMED); the newer one covers it, so it is not counted as a failure.
    /// </summary>
    Subsumed,

    /// <summary>A cancellation marker for it arrived (Flink: CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER); not counted.</summary>
    CancellationMarker,
}
