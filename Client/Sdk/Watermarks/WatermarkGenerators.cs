using System.Runtime.CompilerServices;

namespace OrleansFlow.Watermarks;

/// <summary>Where a watermark generator sends watermarks and idleness.</summary>
public interface IWatermarkOutput
{
    /// <summary>Emits a watermark; one not above the last emitted is ignored.</summary>
    void EmitWatermark(long watermark);

    /// <summary>This input is idle: downstream operators stop waiting for its watermark.</summary>
    void MarkIdle();

    /// <summary>This input is active again.</summary>
    void MarkActive();
}

/// <summary>Generates watermarks from events (punctuated) or periodically, as Flink's WatermarkGenerator.</summary>
/// <typeparam name="T">Record type.</typeparam>
public interface IWatermarkGenerator<in T>
{
    /// <summary>Called for every record with its timestamp; may emit a watermark.</summary>
    void OnEvent(T record, long timestamp, IWatermarkOutput output);

    /// <summary>Called every auto-watermark interval; may emit a watermark.</summary>
    void OnPeriodicEmit(IWatermarkOutput output);
}

/// <summary>
/// Watermark = largest timestamp seen − bound − 1 ms, emitted periodically (as Flink's
/// BoundedOutOfOrdernessWatermarks). A record up to <c>bound</c> older than the newest is not late.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class BoundedOutOfOrdernessWatermarks<T> : IWatermarkGenerator<T>
{
    private readonly long _bound;
    private long _maxTimestamp;

    /// <summary>Creates the generator.</summary>
    public BoundedOutOfOrdernessWatermarks(TimeSpan bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, TimeSpan.Zero);
        _bound = (long)bound.TotalMilliseconds;
        _maxTimestamp = long.MinValue + _bound + 1;
    }

    /// <summary>The watermark this generator would emit now.</summary>
    public long CurrentWatermark => _maxTimestamp - _bound - 1;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEvent(T record, long timestamp, IWatermarkOutput output) => _maxTimestamp = Math.Max(_maxTimestamp, timestamp);

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.EmitWatermark(CurrentWatermark);
    }
}

/// <summary>Emits the bounded-out-of-orderness watermark after every record instead of periodically.</summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class PerEventBoundedOutOfOrdernessWatermarks<T>(TimeSpan bound) : IWatermarkGenerator<T>
{
    private readonly BoundedOutOfOrdernessWatermarks<T> _inner = new(bound);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEvent(T record, long timestamp, IWatermarkOutput output)
    {
        _inner.OnEvent(record, timestamp, output);
        _inner.OnPeriodicEmit(output);
    }

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output)
    {
    }
}

/// <summary>Emits no watermarks (processing-time jobs, or watermarks from an upstream operator).</summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class NoWatermarksGenerator<T> : IWatermarkGenerator<T>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnEvent(T record, long timestamp, IWatermarkOutput output)
    {
    }

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output)
    {
    }
}
