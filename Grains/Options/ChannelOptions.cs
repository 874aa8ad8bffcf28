namespace OrleansFlow.Configuration;

/// <summary>Settings of the memory streams that carry operator channels.</summary>
public sealed class ChannelOptions
{
    /// <summary>Number of stream queues (default 8). Each holds at most 16,384 batches; flow control keeps far below that.</summary>
    public int QueuePartitions { get; set; } = 8;

    /// <summary>How often the pulling agents poll the queues (default 5 ms); this bounds per-hop latency.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Batches a pulling agent takes per poll (default 256).</summary>
    public int MaxBatchesPerPoll { get; set; } = 256;

    /// <summary>
    /// How long a sender waits without its receiver processing any batch of their channel before it asks the receiver
    /// whether batches are missing (default 2 s); the receiver then fetches those the transport dropped. While a
    /// receiver is merely slow this costs one small call per channel and interval.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Pass channel batches through the stream queues by reference instead of serializing them (default false).
    /// Only valid when every silo of the cluster runs in this process, as with the embedded environment.
    /// </summary>
    public bool InProcess { get; set; }
}
