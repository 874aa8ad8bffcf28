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

    public KeyedOutput Process(KeyedStateStore store, KeyTimers timers, KeyedInput input)
    {
        var key = (TKey)input.Key;
        var records = (TIn[])input.Records;
        var output = new OutputBuffer<TOut>();
        var context = new KeyContext<TKey>(key, timers, input.Watermark, input.ProcessingTime);
        using (store.Enter())
        {
            for (var i = 0; i < records.Length; i++)
            {
                context.Timestamp = input.Timestamps?[i];
                try
                {
                    ProcessElement(records[i], context, output);
                }
                catch (Exception e) when (e is not UserFunctionException)
                {
                    throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(key)}', record {i} of its batch");
                }
            }
        }

        return new KeyedOutput(output.ToArrayOrNull(), null, timers.TakeChanges());
    }

    public KeyedOutput FireTimers(KeyedStateStore store, KeyTimers timers, KeyedTimerInput input)
    {
        var key = (TKey)input.Key;
        var output = new OutputBuffer<TOut>();
        var context = new KeyContext<TKey>(key, timers, input.Watermark, input.ProcessingTime);
        using (store.Enter())
        {
            foreach (var time in input.Timestamps)
            {
                if (!timers.TryConsume(time, input.Domain))
                {
                    continue;
                }

                context.Timestamp = input.Domain == TimeDomain.EventTime ? time : null;
                try
                {
                    OnTimer(time, input.Domain, context, output);
                }
                catch (Exception e) when (e is not UserFunctionException)
                {
                    throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(key)}', timer at {time}");
                }
            }
        }

        return new KeyedOutput(output.ToArrayOrNull(), null, timers.TakeChanges());
    }

    protected virtual void Open(IRuntimeContext context)
    {
    }

    protected abstract void ProcessElement(TIn value, KeyContext<TKey> context, ICollector<TOut> output);

    protected virtual void OnTimer(long time, TimeDomain domain, KeyContext<TKey> context, ICollector<TOut> output)
    {
    }
}

/// <summary>The key, timestamp and timers of the call in progress.</summary>
internal sealed class KeyContext<TKey>(TKey key, KeyTimers timers, long watermark, long processingTime) : ITimerService
{
    public TKey Key { get; } = key;

    public long? Timestamp { get; set; }

    public long CurrentWatermark { get; } = watermark;

    public long CurrentProcessingTime { get; } = processingTime;

    public void RegisterEventTimeTimer(long time) => timers.Register(time, TimeDomain.EventTime);

    public void RegisterProcessingTimeTimer(long time) => timers.Register(time, TimeDomain.ProcessingTime);

    public void DeleteEventTimeTimer(long time) => timers.Delete(time, TimeDomain.EventTime);

    public void DeleteProcessingTimeTimer(long time) => timers.Delete(time, TimeDomain.ProcessingTime);
}

/// <summary>Collects a call's output records.</summary>
internal sealed class OutputBuffer<T> : ICollector<T>
{
    private List<T>? _records;

    public void Collect(T record) => (_records ??= []).Add(record);

    public T[]? ToArrayOrNull() => _records?.ToArray();

    /// <summary>A collector that drops everything.</summary>
    internal sealed class Discard : ICollector<T>
    {
        public void Collect(T record)
        {
        }
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
