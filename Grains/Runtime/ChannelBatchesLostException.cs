namespace OrleansFlow.Runtime;

/// <summary>
/// Batches of a channel are lost for good: a receiver saw a gap in the channel's sequence numbers that its sender
/// could not fill (it no longer holds the batches, or does not run the attempt). The job fails (and restarts from its
/// latest checkpoint); it never goes on without them.
/// </summary>
internal sealed class ChannelBatchesLostException : InvalidOperationException
{
    public ChannelBatchesLostException(int senderVertex, int senderSubtask, long delivered, long expected)
        : base($"Channel from vertex {senderVertex} subtask {senderSubtask} delivered batch {delivered} where {expected} was expected: records were lost or reordered.")
    {
    }

    /// <summary>
    /// The batches from <paramref name="from"/> up to (not including) <paramref name="to"/> never arrived, and the task
    /// that sent them is gone: its silo died (or was declared dead) with them in flight.
    /// </summary>
    public static ChannelBatchesLostException SenderLost(int senderVertex, int senderSubtask, long from, long to) =>
        new($"Channel from vertex {senderVertex} subtask {senderSubtask} lost batches {from} to {to - 1} in flight: " +
            "their sender's task is gone (its silo died or was declared dead).");

    public ChannelBatchesLostException()
    {
    }

    public ChannelBatchesLostException(string message)
        : base(message)
    {
    }

    public ChannelBatchesLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
