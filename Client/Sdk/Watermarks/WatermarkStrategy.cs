namespace OrleansFlow.Watermarks;

/// <summary>
/// How records get event timestamps and how watermarks follow them, as Flink's WatermarkStrategy: a factory of a
/// timestamp assigner and a watermark generator per parallel instance. Presets: <see cref="ForBoundedOutOfOrderness"/>,
/// <see cref="ForMonotonousTimestamps"/>, <see cref="NoWatermarks"/>, <see cref="ForGenerator"/>; decorators return new
/// strategies: <see cref="WithTimestampAssigner(Func{T, long})"/>, <see cref="WithIdleness"/>.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class WatermarkStrategy<T>
{
    private readonly Func<IWatermarkGenerator<T>> _generator;

    private WatermarkStrategy(Func<IWatermarkGenerator<T>> generator, Func<T, long, long>? timestampAssigner, TimeSpan? idleTimeout)
    {
        _generator = generator;
        TimestampAssigner = timestampAssigner;
        IdleTimeout = idleTimeout;
    }

    /// <summary>Extracts a record's timestamp from the record and its previous timestamp; null keeps existing timestamps.</summary>
    public Func<T, long, long>? TimestampAssigner { get; }

    /// <summary>After this long without records an input is marked idle, if set.</summary>
    public TimeSpan? IdleTimeout { get; }

    /// <summary>Watermarks trail the largest timestamp seen by <paramref name="maxOutOfOrderness"/> (plus 1 ms).</summary>
    public static WatermarkStrategy<T> ForBoundedOutOfOrderness(TimeSpan maxOutOfOrderness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutOfOrderness, TimeSpan.Zero);
        return new(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness), null, null);
    }

    /// <summary>Timestamps never decrease: the watermark is the largest timestamp seen minus 1 ms.</summary>
    public static WatermarkStrategy<T> ForMonotonousTimestamps() => ForBoundedOutOfOrderness(TimeSpan.Zero);

    /// <summary>No watermarks.</summary>
    public static WatermarkStrategy<T> NoWatermarks() => new(() => new NoWatermarksGenerator<T>(), null, null);

    /// <summary>A custom generator (periodic, punctuated or both); one instance per parallel subtask.</summary>
    public static WatermarkStrategy<T> ForGenerator(Func<IWatermarkGenerator<T>> createGenerator) =>
        new(createGenerator ?? throw new ArgumentNullException(nameof(createGenerator)), null, null);

    /// <summary>The same strategy with timestamps taken from records.</summary>
    public WatermarkStrategy<T> WithTimestampAssigner(Func<T, long> extractTimestamp)
    {
        ArgumentNullException.ThrowIfNull(extractTimestamp);
        return new(_generator, (record, _) => extractTimestamp(record), IdleTimeout);
    }

    /// <summary>The same strategy with timestamps computed from records and their previous timestamps.</summary>
    public WatermarkStrategy<T> WithTimestampAssigner(Func<T, long, long> extractTimestamp) =>
        new(_generator, extractTimestamp ?? throw new ArgumentNullException(nameof(extractTimestamp)), IdleTimeout);

    /// <summary>
    /// The same strategy, marking an input idle after <paramref name="idleTimeout"/> without records, so it stops
    /// holding back the watermark of operators downstream; it becomes active again with its next record.
    /// </summary>
    public WatermarkStrategy<T> WithIdleness(TimeSpan idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        return new(_generator, TimestampAssigner, idleTimeout);
    }

    /// <summary>A new generator for one parallel subtask.</summary>
    public IWatermarkGenerator<T> CreateGenerator() => _generator();
}
