namespace OrleansFlow.Checkpointing;

/// <summary>The outcome of <see cref="PendingCheckpoint.Acknowledge"/>, as Flink's TaskAcknowledgeResult.</summary>
internal enum AcknowledgeResult
{
    /// <summary>The task's acknowledgement was recorded.</summary>
    Success,

    /// <summary>The task had already acknowledged this checkpoint; nothing changed.</summary>
    Duplicate,

    /// <summary>The task is not one this checkpoint waits for; nothing changed.</summary>
    Unknown,

    /// <summary>The checkpoint was already aborted or completed; the task's snapshot can be discarded.</summary>
    Discarded,
}
