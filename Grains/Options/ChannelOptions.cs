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
}
