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
    /// whether batches are missing (default 1 s; checked every half interval); the receiver then fetches those the
    /// transport dropped. While a receiver is merely slow this costs one small call per channel and interval.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Pass channel batches through the stream queues by reference instead of serializing them (default false).
    /// Only valid when every silo of the cluster runs in this process, as with the embedded environment.
    /// </summary>
    public bool InProcess { get; set; }

    /// <summary>
    /// How long a batch stays in a stream queue's cache at least, delivered or not (default 1 s; Orleans'
    /// <c>StreamCacheEvictionOptions.DataMinTimeInCache</c>).
    /// </summary>
    public TimeSpan CacheMinAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a serialized batch stays in a stream queue's cache at most (default 10 s): the cache drops batches by
    /// age alone, so this bounds its memory; a receiver that falls further behind fetches the batches it missed from
    /// their senders. At least <see cref="CacheMinAge"/>.
    /// </summary>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <see cref="CacheMaxAge"/> when <see cref="InProcess"/> (default 1 min): in-process batches are 8-byte handles, so
    /// a longer age costs little and lets a stall shorter than a delivery's 30 s timeout be served from the cache
    /// instead of by repairs. At least <see cref="CacheMinAge"/>.
    /// </summary>
    public TimeSpan InProcessCacheMaxAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a stream queue's cache keeps stream metadata at least (default 30 s; Orleans' <c>MetadataMinTimeInCache</c>).</summary>
    public TimeSpan CacheMetadataMinAge { get; set; } = TimeSpan.FromSeconds(30);
}
