namespace OrleansFlow.Jobs;

/// <summary>How a task with several inputs handles checkpoint barriers (Flink's CheckpointingMode).</summary>
public enum CheckpointingMode
{
    /// <summary>
    /// Aligned barriers (the default): records behind an early barrier wait until the barrier arrived on every input,
    /// so a snapshot reflects exactly the records before the barrier and no record's effect is counted twice.
    /// </summary>
    ExactlyOnce = 0,

    /// <summary>
    /// Nothing waits: a task snapshots when the last barrier arrives, so records that followed an early barrier are
    /// already in the snapshot and their effect is counted again after a restore.
    /// </summary>
    AtLeastOnce = 1,
}
