namespace OrleansFlow.Checkpointing;

/// <summary>How a task with several inputs handles checkpoint barriers (Flink's CheckpointingMode).</summary>
internal enum CheckpointingMode
{
    /// <summary>
    /// Aligned barriers: records behind an early barrier wait until the barrier arrived on every input, so the
    /// snapshot reflects exactly the records before the barrier.
    /// </summary>
    ExactlyOnce,

    /// <summary>
    /// Nothing waits: the task snapshots when the last barrier arrives, so records that followed an early barrier are
    /// already in the snapshot and are replayed again after a restore.
    /// </summary>
    AtLeastOnce,
}
