using System.Linq.Expressions;
using System.Numerics;
using OrleansFlow.Functions;
using OrleansFlow.Graph;

namespace OrleansFlow;

/// <summary>
/// A stream partitioned by key, as Flink's KeyedStream. Its operators keep state per key in per-key grains
/// (one per job, operator and key), readable from clients while the job runs.
/// Rolling aggregations emit the updated value for every record, as Flink's streaming mode does.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="T">Record type.</typeparam>
public sealed class KeyedStream<TKey, T>
    where TKey : notnull
{
    private readonly DataStream<T> _input;
    private readonly Transformation _partition;
    private readonly KeyRouter<T, TKey> _router;

    internal KeyedStream(DataStream<T> input, Transformation partition, KeyRouter<T, TKey> router)
    {
        _input = input;
        _partition = partition;
        _router = router;
    }

    /// <summary>Combines each record with its key's running value and emits the result (state "value").</summary>
    public DataStream<T> Reduce(Func<T, T, T> reduce) => Reduce(new Delegates.ReduceFn<T>(reduce ?? throw new ArgumentNullException(nameof(reduce))));

    /// <summary>Combines each record with its key's running value and emits the result (state "value").</summary>
    public DataStream<T> Reduce(IReduceFunction<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddReduce("Keyed Reduce", function);
    }

    /// <summary>
    /// Running sum of a field per key; other fields keep the values of the key's first record, as Flink's sum(field).
    /// <paramref name="field"/> names a field or property (<c>x =&gt; x.Count</c>) or the record itself (<c>x =&gt; x</c>).
    /// An integer sum that overflows its type fails the job, naming the operator and key (Flink's would wrap around).
    /// </summary>
    public DataStream<T> Sum<TField>(Expression<Func<T, TField>> field)
        where TField : INumber<TField>
    {
        return AddReduce("Sum", CheckedSum.Of(field));
    }

    /// <summary>Running minimum of a field per key; other fields keep the key's first record's values (as Flink's min).</summary>
    public DataStream<T> Min<TField>(Expression<Func<T, TField>> field)
        where TField : IComparable<TField>
    {
        var accessor = FieldAccessor<T, TField>.Create(field);
        return AddReduce("Min", new Delegates.ReduceFn<T>((acc, x) =>
            accessor.Get(x).CompareTo(accessor.Get(acc)) < 0 ? accessor.With(acc, accessor.Get(x)) : acc));
    }

    /// <summary>Running maximum of a field per key; other fields keep the key's first record's values (as Flink's max).</summary>
    public DataStream<T> Max<TField>(Expression<Func<T, TField>> field)
        where TField : IComparable<TField>
    {
        var accessor = FieldAccessor<T, TField>.Create(field);
        return AddReduce("Max", new Delegates.ReduceFn<T>((acc, x) =>
            accessor.Get(x).CompareTo(accessor.Get(acc)) > 0 ? accessor.With(acc, accessor.Get(x)) : acc));
    }

    /// <summary>Emits, per key, the whole record with the smallest field value so far (the first one on ties).</summary>
    public DataStream<T> MinBy<TField>(Func<T, TField> field)
        where TField : IComparable<TField>
    {
        ArgumentNullException.ThrowIfNull(field);
        return AddReduce("Min By", new Delegates.ReduceFn<T>((acc, x) => field(x).CompareTo(field(acc)) < 0 ? x : acc));
    }

    /// <summary>Emits, per key, the whole record with the largest field value so far (the first one on ties).</summary>
    public DataStream<T> MaxBy<TField>(Func<T, TField> field)
        where TField : IComparable<TField>
    {
        ArgumentNullException.ThrowIfNull(field);
        return AddReduce("Max By", new Delegates.ReduceFn<T>((acc, x) => field(x).CompareTo(field(acc)) > 0 ? x : acc));
    }

    /// <summary>
    /// Runs a keyed process function: per-record logic with keyed state (value, list, map) and event- or
    /// processing-time timers. Event-time timers still pending at end of input fire then (the watermark jumps to
    /// its maximum); processing-time timers still pending at end of input are dropped.
    /// </summary>
    public DataStream<TOut> Process<TOut>(KeyedProcessFunction<TKey, T, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddKeyed<TOut>("Keyed Process", (factory, name) => factory.KeyedProcess(name, function));
    }

    /// <summary>Cuts the keyed stream into windows (tumbling, sliding, session, global, ...).</summary>
    public WindowedStream<TKey, T, TWindow> Window<TWindow>(Windowing.WindowAssigner<TWindow> assigner)
        where TWindow : Windowing.Window =>
        new(this, assigner ?? throw new ArgumentNullException(nameof(assigner)));

    /// <summary>Windows of <paramref name="size"/> elements per key, each firing once full (Flink's countWindow(size)).</summary>
    public WindowedStream<TKey, T, Windowing.GlobalWindow> CountWindow(long size) =>
        Window(Windowing.GlobalWindows.Create()).Trigger(Windowing.PurgingTrigger<Windowing.GlobalWindow>.Of(Windowing.CountTrigger<Windowing.GlobalWindow>.Of(size)));

    /// <summary>
    /// The last <paramref name="size"/> elements per key, evaluated every <paramref name="slide"/> elements
    /// (Flink's countWindow(size, slide)).
    /// </summary>
    public WindowedStream<TKey, T, Windowing.GlobalWindow> CountWindow(long size, long slide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return Window(Windowing.GlobalWindows.Create()).Trigger(Windowing.CountTrigger<Windowing.GlobalWindow>.Of(slide)).EvictAllButLast(size);
    }

    private DataStream<T> AddReduce(string kind, IReduceFunction<T> function) =>
        AddKeyed<T>(kind, (factory, name) => factory.Reduce<TKey, T>(name, function));

    internal DataStream<TOut> AddKeyedOperator<TOut>(string kind, Func<IOperatorFactory, string, object> create) => AddKeyed<TOut>(kind, create);

    private DataStream<TOut> AddKeyed<TOut>(string kind, Func<IOperatorFactory, string, object> create)
    {
        var env = _input.Environment;
        var node = env.Add(new KeyedTransformation<TKey, T, TOut>(env.NextId, kind, _partition, kind, _router, create));
        return new DataStream<TOut>(env, node);
    }
}
