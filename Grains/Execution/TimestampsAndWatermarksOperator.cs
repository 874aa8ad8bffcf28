using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Watermarks;

namespace OrleansFlow.Execution;

/// <summary>
/// Assigns event timestamps and generates watermarks, as Flink's TimestampsAndWatermarksOperator: each record is
/// emitted with its new timestamp, then shown to the generator (so a per-event watermark follows its record).
/// Watermarks from upstream are replaced by this operator's own, except the final one at end of input.
/// Periodic watermarks come from <see cref="EmitPeriodic"/>, which the runtime calls every auto-watermark interval;
/// with an idle timeout, the input is marked idle after that long without records.
/// </summary>
internal sealed class TimestampsAndWatermarksOperator<T> : ICollector<T>, IChainElement, IPeriodicEmitter, IWatermarkOutput, IWatermarkAssigner
{
    private readonly string _name;
    private readonly WatermarkStrategy<T> _strategy;
    private readonly IWatermarkGenerator<T> _generator;
    private readonly ICollector<T> _next;
    private readonly ChainContext _context;
    private long _emitted = long.MinValue;
    private bool _idle;
    private long _lastRecordTime;

    public TimestampsAndWatermarksOperator(string name, WatermarkStrategy<T> strategy, ICollector<T> next, ChainContext context)
    {
        _name = name;
        _strategy = strategy;
        _generator = strategy.CreateGenerator();
        _next = next;
        _context = context;
        _lastRecordTime = context.Time.GetTimestamp();
    }

    /// <inheritdoc />
    public long CurrentWatermark => _emitted;

    /// <inheritdoc />
    public void RestoreWatermark(long watermark) => EmitWatermark(watermark);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(T record)
    {
        long timestamp;
        try
        {
            timestamp = _strategy.TimestampAssigner is { } assign ? assign(record, _context.Timestamp ?? long.MinValue) : _context.Timestamp ?? long.MinValue;
        }
        catch (Exception e) when (e is not UserFunctionException)
        {
            throw UserFunctionException.For(_name, e);
        }

        _context.Timestamp = timestamp == long.MinValue ? null : timestamp;
        if (_strategy.IdleTimeout is not null)
        {
            _lastRecordTime = _context.Time.GetTimestamp(); // only idleness needs it: reading the clock per record is not free
        }

        if (_idle)
        {
            MarkActive();
        }

        _next.Collect(record);
        try
        {
            _generator.OnEvent(record, timestamp, this);
        }
        catch (Exception e) when (e is not UserFunctionException)
        {
            throw UserFunctionException.For(_name, e);
        }
    }

    public void OnWatermark(long watermark)
    {
        if (watermark == long.MaxValue)
        {
            EmitWatermark(watermark);
        }
    }

    public void OnIdleChanged(bool idle)
    {
    }

    public void EmitPeriodic()
    {
        if (_strategy.IdleTimeout is { } timeout && !_idle && _context.Time.GetElapsedTime(_lastRecordTime) >= timeout)
        {
            MarkIdle();
        }

        _generator.OnPeriodicEmit(this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EmitWatermark(long watermark)
    {
        if (watermark > _emitted)
        {
            _emitted = watermark;
            ChainElements.ForwardWatermark(_next, watermark);
        }
    }

    public void MarkIdle()
    {
        if (!_idle)
        {
            _idle = true;
            ChainElements.ForwardIdle(_next, true);
        }
    }

    public void MarkActive()
    {
        if (_idle)
        {
            _idle = false;
            ChainElements.ForwardIdle(_next, false);
        }
    }
}

/// <summary>
/// An operator that generates watermarks. A checkpoint records the last watermark it emitted; a restored one emits
/// it again before any record, and never less, so a record replayed after a restore is judged late or on time exactly
/// as in a failure-free run (the generator's own state restarts).
/// </summary>
internal interface IWatermarkAssigner
{
    /// <summary>The last watermark emitted (long.MinValue before any).</summary>
    long CurrentWatermark { get; }

    /// <summary>Emits a restored watermark, which later watermarks never go below.</summary>
    void RestoreWatermark(long watermark);
}

/// <summary>An operator that wants to be called every auto-watermark interval.</summary>
internal interface IPeriodicEmitter
{
    void EmitPeriodic();
}
