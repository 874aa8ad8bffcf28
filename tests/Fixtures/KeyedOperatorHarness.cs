using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Keyed;
using OrleansFlow.State;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>Builds a <see cref="KeyedOperatorHarness{TKey, TIn, TOut}"/> with type inference from the key selector.</summary>
internal static class KeyedOperatorHarness
{
    /// <summary>
    /// Builds <c>FromCollection(empty).KeyBy(<paramref name="keyBy"/>)</c>, applies <paramref name="job"/> with the
    /// public API, and drives the keyed operator of the job's last transformation.
    /// </summary>
    public static KeyedOperatorHarness<TKey, TIn, TOut> Create<TIn, TKey, TOut>(
        Func<TIn, TKey> keyBy, Func<KeyedStream<TKey, TIn>, DataStream<TOut>> job)
        where TKey : notnull
    {
        var env = new StreamExecutionEnvironment(executor: null);
        job(env.FromCollection(Array.Empty<TIn>()).KeyBy(keyBy));
        return new KeyedOperatorHarness<TKey, TIn, TOut>(env);
    }
}

/// <summary>
/// Drives one keyed operator the way Flink's KeyedOneInputStreamOperatorTestHarness does, below the runtime:
/// one <see cref="KeyedStateStore"/> and <see cref="KeyTimers"/> per key, one record per call, watermarks and
/// processing time advanced by hand. Each step returns what it emitted; everything emitted is also kept in
/// <see cref="Output"/>, and side outputs by tag in <see cref="SideOutput{T}"/>.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TIn">Input record type.</typeparam>
/// <typeparam name="TOut">Output record type.</typeparam>
internal sealed class KeyedOperatorHarness<TKey, TIn, TOut>
    where TKey : notnull
{
    /// <summary>The timestamp of a record that has none (as in <see cref="KeyedOutput.Timestamps"/>).</summary>
    public const long NoTimestamp = long.MinValue;

    private readonly IKeyedOperator _operator;
    private readonly KeyRouter<TIn, TKey> _router;
    private readonly Dictionary<TKey, KeySlot> _keys = [];
    private readonly List<TKey> _keyOrder = [];
    private readonly List<(TKey Key, TOut Value, long Timestamp)> _output = [];
    private readonly Dictionary<string, List<(object? Value, long Timestamp)>> _sideOutputs = new(StringComparer.Ordinal);

    /// <summary>Takes the keyed operator of the environment's last transformation and opens it.</summary>
    public KeyedOperatorHarness(StreamExecutionEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var keyed = (IKeyedTransformation)env.Transformations[^1];
        _router = (KeyRouter<TIn, TKey>)keyed.InputRouter;
        _operator = keyed.Operator;
        _operator.EnsureOpen("job");
    }

    /// <summary>The operator under test (e.g. to read a window operator's dropped-record counter).</summary>
    public IKeyedOperator Operator => _operator;

    /// <summary>The watermark records are processed at; starts at <see cref="long.MinValue"/>.</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    /// <summary>The processing time records are processed at; starts at 0.</summary>
    public long CurrentProcessingTime { get; private set; }

    /// <summary>Everything emitted so far, in order: key, record and timestamp (<see cref="NoTimestamp"/> for none).</summary>
    public IReadOnlyList<(TKey Key, TOut Value, long Timestamp)> Output => _output;

    /// <summary>Processes one record under the key the job's KeyBy selector gives it.</summary>
    public IReadOnlyList<(TKey Key, TOut Value, long Timestamp)> Element(TIn value, long? timestamp = null) =>
        Element(_router.Key(value), value, timestamp);

    /// <summary>Processes one record of <paramref name="key"/> at the current watermark and processing time.</summary>
    public IReadOnlyList<(TKey Key, TOut Value, long Timestamp)> Element(TKey key, TIn value, long? timestamp = null)
    {
        var slot = Slot(key);
        var input = new KeyedInput(key, new[] { value }, [timestamp ?? NoTimestamp], CurrentWatermark, CurrentProcessingTime);
        return Collect(key, slot, _operator.Process(slot.Store, slot.Timers, input));
    }

    /// <summary>
    /// Advances the watermark (never backwards) and, as the runtime does, sends it to every key that has state or
    /// timers, firing their event-time timers up to it in time order.
    /// </summary>
    public IReadOnlyList<(TKey Key, TOut Value, long Timestamp)> Watermark(long watermark)
    {
        CurrentWatermark = Math.Max(CurrentWatermark, watermark);
        var emitted = new List<(TKey Key, TOut Value, long Timestamp)>();
        foreach (var key in _keyOrder)
        {
            var slot = _keys[key];
            if (!slot.Store.IsEmpty || slot.Timers.Count > 0)
            {
                var input = new KeyedTimerInput(key, TimeDomain.EventTime, [], CurrentWatermark, CurrentProcessingTime);
                emitted.AddRange(Collect(key, slot, _operator.FireTimers(slot.Store, slot.Timers, input)));
            }
        }

        return emitted;
    }

    /// <summary>
    /// Advances processing time and fires, per key, the processing-time timers registered at or before it, in time
    /// order (including timers those callbacks register at or before it).
    /// </summary>
    public IReadOnlyList<(TKey Key, TOut Value, long Timestamp)> ProcessingTime(long time)
    {
        CurrentProcessingTime = Math.Max(CurrentProcessingTime, time);
        var emitted = new List<(TKey Key, TOut Value, long Timestamp)>();
        foreach (var key in _keyOrder)
        {
            var slot = _keys[key];
            long[] due;
            while ((due = slot.ProcessingTimers.Where(t => t <= CurrentProcessingTime).ToArray()).Length > 0)
            {
                slot.ProcessingTimers.ExceptWith(due); // they fire now, whether or not the operator still holds them
                var input = new KeyedTimerInput(key, TimeDomain.ProcessingTime, due, CurrentWatermark, CurrentProcessingTime);
                emitted.AddRange(Collect(key, slot, _operator.FireTimers(slot.Store, slot.Timers, input)));
            }
        }

        return emitted;
    }

    /// <summary>Records emitted so far to the side output <paramref name="tag"/>, with their timestamps.</summary>
    public IReadOnlyList<(T Value, long Timestamp)> SideOutput<T>(Functions.OutputTag<T> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return _sideOutputs.TryGetValue(tag.Id, out var records) ? records.Select(r => ((T)r.Value!, r.Timestamp)).ToList() : [];
    }

    /// <summary>Whether <paramref name="key"/> still keeps state (window contents, trigger state).</summary>
    public bool HasState(TKey key) => _keys.TryGetValue(key, out var slot) && !slot.Store.IsEmpty;

    /// <summary>The timers <paramref name="key"/> has registered and not yet fired or deleted, as the runtime tracks them.</summary>
    public IReadOnlyList<(long Time, TimeDomain Domain)> Timers(TKey key) =>
        _keys.TryGetValue(key, out var slot)
            ? [.. slot.EventTimers.Select(t => (t, TimeDomain.EventTime)), .. slot.ProcessingTimers.Select(t => (t, TimeDomain.ProcessingTime))]
            : [];

    private KeySlot Slot(TKey key)
    {
        if (!_keys.TryGetValue(key, out var slot))
        {
            slot = new KeySlot();
            _keys.Add(key, slot);
            _keyOrder.Add(key);
        }

        return slot;
    }

    private List<(TKey Key, TOut Value, long Timestamp)> Collect(TKey key, KeySlot slot, KeyedOutput output)
    {
        foreach (var change in output.Timers ?? [])
        {
            var set = change.Domain == TimeDomain.EventTime ? slot.EventTimers : slot.ProcessingTimers;
            if (change.Deleted)
            {
                set.Remove(change.Timestamp);
            }
            else
            {
                set.Add(change.Timestamp);
            }
        }

        var emitted = new List<(TKey Key, TOut Value, long Timestamp)>();
        if (output.Records is TOut[] records)
        {
            for (var i = 0; i < records.Length; i++)
            {
                emitted.Add((key, records[i], output.Timestamps?[i] ?? NoTimestamp));
            }
        }

        foreach (var batch in output.SideOutputs ?? [])
        {
            if (!_sideOutputs.TryGetValue(batch.Tag, out var list))
            {
                list = [];
                _sideOutputs.Add(batch.Tag, list);
            }

            var sideRecords = (Array)batch.Records;
            for (var i = 0; i < sideRecords.Length; i++)
            {
                list.Add((sideRecords.GetValue(i), batch.Timestamps?[i] ?? NoTimestamp));
            }
        }

        _output.AddRange(emitted);
        return emitted;
    }

    /// <summary>One key's state, timers, and the timers it has registered (tracked from the reported changes).</summary>
    private sealed class KeySlot
    {
        public KeyedStateStore Store { get; } = new();

        public KeyTimers Timers { get; } = new();

        public SortedSet<long> EventTimers { get; } = [];

        public SortedSet<long> ProcessingTimers { get; } = [];
    }
}
