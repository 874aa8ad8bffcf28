namespace OrleansFlow.Jobs;

/// <summary>Runtime settings of a job, fixed at submission.</summary>
/// <param name="BatchSize">Most records a source puts in one batch.</param>
/// <param name="ChannelCredits">Batches a sender may have in flight per channel before it waits (flow control).</param>
/// <param name="MaxParallelism">Number of key groups for hash partitioning (as Flink's max parallelism).</param>
/// <param name="BufferTimeoutMs">Longest a partly filled output buffer waits before it is sent.</param>
/// <param name="KeyedBufferSize">Records a keyed subtask gathers before it calls the per-key grains (more records per call).</param>
/// <param name="AutoWatermarkIntervalMs">How often periodic watermark generators run.</param>
/// <param name="IdleKeyPassivationMs">How long a key goes without records or timers before its per-key grain is
/// passivated (its state then lives in its subtask's copy), or 0 for never.</param>
[GenerateSerializer, Immutable, Alias("flow.ExecutionSettings")]
public sealed record ExecutionSettings(
    [property: Id(0)] int BatchSize,
    [property: Id(1)] int ChannelCredits,
    [property: Id(2)] int MaxParallelism,
    [property: Id(3)] int BufferTimeoutMs,
    [property: Id(4)] int KeyedBufferSize = 524288,
    [property: Id(5)] int AutoWatermarkIntervalMs = 200,
    [property: Id(6)] int IdleKeyPassivationMs = 60_000)
{
    /// <summary>Defaults tuned for throughput on small machines.</summary>
    public static ExecutionSettings Default { get; } = new(BatchSize: 8192, ChannelCredits: 16, MaxParallelism: 128, BufferTimeoutMs: 100);
}
