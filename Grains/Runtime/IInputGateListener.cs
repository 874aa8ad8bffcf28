using OrleansFlow.Checkpointing;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// What a <see cref="CheckpointedInputGate"/> tells its task besides the data: the decisions of barrier alignment
/// (after the checkpointable task Flink's barrier handler notifies) and the end of each batch.
/// </summary>
internal interface IInputGateListener
{
    /// <summary>Barrier alignment gave up a checkpoint (subsumed, or cancelled); decline it.</summary>
    void OnCheckpointAborted(AbortedCheckpoint aborted);

    /// <summary>
    /// Every open channel delivered the checkpoint's barrier (or ended), and every record before it was handed over:
    /// snapshot and forward the barrier before any further record.
    /// </summary>
    Task OnAlignedAsync(long checkpointId);

    /// <summary>The gate handed over all of a batch (for held input, later than it arrived).</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="endsChannel">Whether it carried its channel's end of input (its sender gets no credit back).</param>
    /// <param name="endedAll">Whether that end was the last open channel's: all input has ended.</param>
    Task OnBatchProcessedAsync(ChannelBatch batch, bool endsChannel, bool endedAll);
}
