using OrleansFlow.Jobs;

namespace OrleansFlow;

/// <summary>Runtime settings of jobs built by an environment.</summary>
public sealed class ExecutionConfig
{
    /// <summary>Most records a source puts into one batch (default 8192).</summary>
    public int BatchSize { get; set; } = ExecutionSettings.Default.BatchSize;

    /// <summary>Batches a sender may have in flight per channel before it waits for the receiver (default 16).</summary>
    public int ChannelCredits { get; set; } = ExecutionSettings.Default.ChannelCredits;

    /// <summary>Number of key groups, the upper bound for keyed parallelism (default 128).</summary>
    public int MaxParallelism { get; set; } = ExecutionSettings.Default.MaxParallelism;

    /// <summary>Longest a rate-limited source waits before sending a partial batch (default 100 ms).</summary>
    public TimeSpan BufferTimeout { get; set; } = TimeSpan.FromMilliseconds(ExecutionSettings.Default.BufferTimeoutMs);

    /// <summary>
    /// Records a keyed subtask gathers before calling its per-key grains (default 524,288): larger means more records
    /// per grain call and higher throughput; smaller means lower latency. A partial buffer is sent after a few ms of quiet,
    /// or once its oldest record has waited the <see cref="BufferTimeout"/>, so under load the timeout usually ends a buffer first.
    /// </summary>
    public int KeyedBufferSize { get; set; } = ExecutionSettings.Default.KeyedBufferSize;

    /// <summary>How often periodic watermark generators are asked for a watermark (default 200 ms, as Flink).</summary>
    public TimeSpan AutoWatermarkInterval { get; set; } = TimeSpan.FromMilliseconds(ExecutionSettings.Default.AutoWatermarkIntervalMs);

    /// <summary>
    /// How long a key may go without records or timers before its per-key grain is passivated (default 1 minute): the
    /// grain deactivates, its state stays in its subtask's copy (the one checkpoints write), and its next record or timer
    /// brings it back. Resident memory then follows the keys in use, not every key ever seen. A timer of a passivated
    /// key fires on time. <see cref="Timeout.InfiniteTimeSpan"/> keeps every key's grain for the job's life.
    /// </summary>
    public TimeSpan IdleKeyPassivation { get; set; } = TimeSpan.FromMilliseconds(ExecutionSettings.Default.IdleKeyPassivationMs);

    internal ExecutionSettings ToSettings()
    {
        if (IdleKeyPassivation != Timeout.InfiniteTimeSpan && (IdleKeyPassivation < TimeSpan.FromMilliseconds(10) || IdleKeyPassivation.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(IdleKeyPassivation), IdleKeyPassivation, "IdleKeyPassivation must be at least 10 ms (or Timeout.InfiniteTimeSpan for never).");
        }

        if (AutoWatermarkInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AutoWatermarkInterval), AutoWatermarkInterval, "AutoWatermarkInterval must be positive.");
        }

        if (KeyedBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KeyedBufferSize), KeyedBufferSize, "KeyedBufferSize must be at least 1.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        }

        if (ChannelCredits < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ChannelCredits), ChannelCredits, "ChannelCredits must be at least 1.");
        }

        if (MaxParallelism is < 1 or > 32768)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "MaxParallelism must be between 1 and 32768.");
        }

        return new ExecutionSettings(
            BatchSize, ChannelCredits, MaxParallelism, (int)BufferTimeout.TotalMilliseconds, KeyedBufferSize, (int)AutoWatermarkInterval.TotalMilliseconds,
            IdleKeyPassivation == Timeout.InfiniteTimeSpan ? 0 : (int)IdleKeyPassivation.TotalMilliseconds);
    }

    internal void CopyFrom(ExecutionConfig other)
    {
        BatchSize = other.BatchSize;
        ChannelCredits = other.ChannelCredits;
        MaxParallelism = other.MaxParallelism;
        BufferTimeout = other.BufferTimeout;
        KeyedBufferSize = other.KeyedBufferSize;
        AutoWatermarkInterval = other.AutoWatermarkInterval;
        IdleKeyPassivation = other.IdleKeyPassivation;
    }
}
