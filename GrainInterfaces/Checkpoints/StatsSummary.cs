namespace OrleansFlow.Checkpoints;

/// <summary>
/// Statistics of one measurement (end-to-end duration in milliseconds, or state size in bytes) over the completed
/// checkpoints of a job's retained history, shaped like Flink's <c>StatsSummaryDto</c> (min, max, avg, p50, p90, p95,
/// p99, p999). How each figure is computed is documented on <c>CheckpointSummaryCalculator</c> in the runtime.
/// </summary>
/// <param name="Count">How many values the statistics cover (at least 1).</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Average">The sum divided by the count, truncated to a whole number (as Flink's <c>StatsSummary.getAverage</c>).</param>
/// <param name="P50">The 50th percentile (median).</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="P999">The 99.9th percentile.</param>
[GenerateSerializer, Immutable, Alias("flow.StatsSummary")]
public sealed record StatsSummary(
    [property: Id(0)] int Count,
    [property: Id(1)] long Min,
    [property: Id(2)] long Max,
    [property: Id(3)] long Average,
    [property: Id(4)] double P50,
    [property: Id(5)] double P90,
    [property: Id(6)] double P95,
    [property: Id(7)] double P99,
    [property: Id(8)] double P999);
