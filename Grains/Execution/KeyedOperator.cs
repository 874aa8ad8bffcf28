using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Keyed;
using OrleansFlow.State;

namespace OrleansFlow.Execution;

/// <summary>The untyped view of a keyed operator that per-key grains drive.</summary>
internal interface IKeyedOperator
{
    string Name { get; }

    /// <summary>Opens the operator once per silo (user functions get their state handles here).</summary>
    void EnsureOpen(string jobId);

    KeyedOutput Process(KeyedStateStore store, KeyTimers timers, KeyedInput input);

    KeyedOutput FireTimers(KeyedStateStore store, KeyTimers timers, KeyedTimerInput input);
}

/// <summary>
/// Base of keyed operators. One instance serves every key of the operator on a silo; calls for different keys may
/// run at once, so per-key data lives only in the <see cref="KeyedStateStore"/> made current for each call.
/// </summary>
internal abstract class KeyedOperator<TKey, TIn, TOut>(string name) : IKeyedOperator
    where TKey : notnull
{
    private readonly Lock _openLock = new();
    private volatile bool _opened;

    public string Name { get; } = name;

    public void EnsureOpen(string jobId)
    {
        if (_opened)
        {
            return;
        }

        lock (_openLock)
        {
            if (!_opened)
            {
                try
                {
                    Open(new RuntimeContext(jobId, Name));
                }
                catch (Exception e) when (e is not UserFunctionException)
                {
                    throw UserFunctionException.For(Name, e).At("while opening");
                }

                _opened = true;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public KeyedOutput Process(KeyedStateStore store, KeyTimers timers, KeyedInput input)
    {
        var key = (TKey)input.Key;
        var records = (TIn[])input.Records;
        var offset = input.Offset;
        var length = input.Length;
        var timestamps = input.Timestamps;
        var watermarks = input.Watermarks;
        var output = new KeyedOutputBuilder<TOut>(ExpectedOutputs(length));
        var context = new KeyContext<TKey>(key, timers, output, input.ProcessingTime) { Store = store };
        using (store.Enter())
        {
            for (var i = 0; i < length; i++)
            {
                var at = offset + i;
                AdvanceWatermark(watermarks is null ? input.Watermark : watermarks[at], context, output);
                context.Timestamp = timestamps is not null && timestamps[at] != long.MinValue ? timestamps[at] : null;
                output.Timestamp = context.Timestamp;
                try
                {
                    ProcessElement(records[at], context, output);
                }
                catch (Exception e) when (e is not UserFunctionException)
                {
                    throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(key)}', record {i} of its batch");
                }
            }

            AdvanceWatermark(input.Watermark, context, output);
        }

        return output.Build(timers.TakeChanges());
    }

    public KeyedOutput FireTimers(KeyedStateStore store, KeyTimers timers, KeyedTimerInput input)
    {
        var key = (TKey)input.Key;
        var output = new KeyedOutputBuilder<TOut>();
        var context = new KeyContext<TKey>(key, timers, output, input.ProcessingTime);
        using (store.Enter())
        {
            if (input.Domain == TimeDomain.EventTime)
            {
                AdvanceWatermark(input.Watermark, context, output);
            }
            else
            {
                context.CurrentWatermark = timers.Watermark;
                foreach (var time in input.Timestamps)
                {
                    if (timers.TryConsume(time, TimeDomain.ProcessingTime))
                    {
                        Fire(time, TimeDomain.ProcessingTime, context, output);
                    }
                }
            }
        }

        return output.Build(timers.TakeChanges());
    }

    /// <summary>Moves this key's watermark forward, firing its event-time timers up to it in time order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AdvanceWatermark(long watermark, KeyContext<TKey> context, KeyedOutputBuilder<TOut> output)
    {
        var timers = context.Timers;
        if (watermark > timers.Watermark)
        {
            timers.Watermark = watermark;
        }

        context.CurrentWatermark = timers.Watermark;
        while (timers.TryTakeDue(TimeDomain.EventTime, timers.Watermark, out var time))
        {
            Fire(time, TimeDomain.EventTime, context, output);
        }
    }

    private void Fire(long time, TimeDomain domain, KeyContext<TKey> context, KeyedOutputBuilder<TOut> output)
    {
        context.Timestamp = domain == TimeDomain.EventTime ? time : null;
        output.Timestamp = context.Timestamp;
        try
        {
            OnTimer(time, domain, context, output);
        }
        catch (Exception e) when (e is not UserFunctionException)
        {
            throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(context.Key)}', timer at {time}");
        }
    }

    protected virtual void Open(IRuntimeContext context)
    {
    }

    /// <summary>How many records a call with <paramref name="inputs"/> records probably emits (sizes the output buffer).</summary>
    protected virtual int ExpectedOutputs(int inputs) => 0;

    protected abstract void ProcessElement(TIn value, KeyContext<TKey> context, ICollector<TOut> output);

    protected virtual void OnTimer(long time, TimeDomain domain, KeyContext<TKey> context, ICollector<TOut> output)
    {
    }
}

/// <summary>The key, timestamp, clocks, timers and outputs of the call in progress.</summary>
internal sealed class KeyContext<TKey>(TKey key, KeyTimers timers, ISideOutputs sideOutputs, long processingTime) : ITimerService
{
    public TKey Key { get; } = key;

    /// <summary>The key's state store (built-in operators use it directly; user functions go through state handles).</summary>
    public KeyedStateStore? Store { get; init; }

    public KeyTimers Timers { get; } = timers;

    public ISideOutputs SideOutputs { get; } = sideOutputs;

    public long? Timestamp { get; set; }

    public long CurrentWatermark { get; set; } = long.MinValue;

    public long CurrentProcessingTime { get; } = processingTime;

    /// <summary>An object the operator may keep for the length of the call and reuse for each element and timer.</summary>
    public object? Scratch { get; set; }

    public void RegisterEventTimeTimer(long time) => Timers.Register(time, TimeDomain.EventTime);

    public void RegisterProcessingTimeTimer(long time) => Timers.Register(time, TimeDomain.ProcessingTime);

    public void DeleteEventTimeTimer(long time) => Timers.Delete(time, TimeDomain.EventTime);

    public void DeleteProcessingTimeTimer(long time) => Timers.Delete(time, TimeDomain.ProcessingTime);
}

/// <summary>Emits records to side outputs.</summary>
internal interface ISideOutputs
{
    void Side<T>(OutputTag<T> tag, T record);
}

/// <summary>A collector that drops everything.</summary>
internal sealed class DiscardCollector<T> : ICollector<T>
{
    public void Collect(T record)
    {
    }
}

/// <summary>What keyed functions get when opened.</summary>
internal sealed class RuntimeContext(string jobId, string operatorName) : IRuntimeContext
{
    public string JobId { get; } = jobId;

    public string OperatorName { get; } = operatorName;

    public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) => new ValueStateHandle<T>(descriptor.Name);

    public IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor) => new ListStateHandle<T>(descriptor.Name);

    public IMapState<TKey, TValue> GetMapState<TKey, TValue>(MapStateDescriptor<TKey, TValue> descriptor)
        where TKey : notnull => new MapStateHandle<TKey, TValue>(descriptor.Name);
}
