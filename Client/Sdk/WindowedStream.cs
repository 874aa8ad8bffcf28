using System.Linq.Expressions;
using System.Numerics;
using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Windowing;

namespace OrleansFlow;

/// <summary>
/// A keyed stream cut into windows, as Flink's WindowedStream. Set the trigger, allowed lateness and late-data
/// side output, then evaluate each window with Reduce, Aggregate, Process (or Sum/Min/Max). Window state and timers
/// live in the per-key grains. Results carry the window's max timestamp (end − 1).
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="T">Record type.</typeparam>
/// <typeparam name="TWindow">Window type.</typeparam>
public sealed class WindowedStream<TKey, T, TWindow>
    where TKey : notnull
    where TWindow : Window
{
    private readonly KeyedStream<TKey, T> _input;
    private readonly WindowAssigner<TWindow> _assigner;
    private Trigger<TWindow> _trigger;
    private long _allowedLateness;
    private OutputTag<T>? _lateDataTag;
    private long? _evictAllButLast;

    internal WindowedStream(KeyedStream<TKey, T> input, WindowAssigner<TWindow> assigner)
    {
        _input = input;
        _assigner = assigner;
        _trigger = assigner.DefaultTrigger;
    }

    /// <summary>The trigger in effect (the assigner's default unless replaced).</summary>
    public Trigger<TWindow> CurrentTrigger => _trigger;

    /// <summary>Replaces the assigner's default trigger.</summary>
    public WindowedStream<TKey, T, TWindow> Trigger(Trigger<TWindow> trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (_assigner is MergingWindowAssigner<TWindow> && !trigger.CanMerge)
        {
            throw new ArgumentException($"Trigger {trigger.GetType().Name} cannot merge, so it cannot be used with session windows.", nameof(trigger));
        }

        _trigger = trigger;
        return this;
    }

    /// <summary>
    /// Keeps window state until the watermark passes end − 1 + <paramref name="lateness"/>; elements arriving in
    /// that time update the window and make it fire again.
    /// </summary>
    public WindowedStream<TKey, T, TWindow> AllowedLateness(TimeSpan lateness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lateness, TimeSpan.Zero);
        if (!_assigner.IsEventTime && lateness > TimeSpan.Zero)
        {
            throw new ArgumentException("Allowed lateness only applies to event-time windows.", nameof(lateness));
        }

        _allowedLateness = (long)lateness.TotalMilliseconds;
        return this;
    }

    /// <summary>Sends elements that are late for every window they belong to to a side output instead of dropping them.</summary>
    public WindowedStream<TKey, T, TWindow> SideOutputLateData(OutputTag<T> tag)
    {
        _lateDataTag = tag ?? throw new ArgumentNullException(nameof(tag));
        return this;
    }

    internal WindowedStream<TKey, T, TWindow> EvictAllButLast(long count)
    {
        _evictAllButLast = count;
        return this;
    }

    /// <summary>Combines a window's elements incrementally; emits one value per firing.</summary>
    public DataStream<T> Reduce(Func<T, T, T> reduce) => Reduce(new Delegates.ReduceFn<T>(reduce ?? throw new ArgumentNullException(nameof(reduce))));

    /// <summary>Combines a window's elements incrementally; emits one value per firing.</summary>
    public DataStream<T> Reduce(IReduceFunction<T> reduce) => Reduce<T>(reduce, null, "Window Reduce");

    /// <summary>Combines elements incrementally, then hands the result with window metadata to <paramref name="process"/>.</summary>
    public DataStream<TOut> Reduce<TOut>(Func<T, T, T> reduce, ProcessWindowFunction<T, TOut, TKey, TWindow> process) =>
        Reduce(new Delegates.ReduceFn<T>(reduce ?? throw new ArgumentNullException(nameof(reduce))), process ?? throw new ArgumentNullException(nameof(process)), "Window Reduce");

    /// <summary>Aggregates with an accumulator; emits the accumulator's result per firing.</summary>
    public DataStream<TOut> Aggregate<TAcc, TOut>(IAggregateFunction<T, TAcc, TOut> aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return Add<TOut>("Window Aggregate", (factory, name, window) =>
            factory.WindowAggregate<TKey, T, TAcc, TOut, TOut, TWindow>(name, window, aggregate, null));
    }

    /// <summary>Aggregates incrementally, then hands the result with window metadata to <paramref name="process"/>.</summary>
    public DataStream<TOut> Aggregate<TAcc, TResult, TOut>(IAggregateFunction<T, TAcc, TResult> aggregate, ProcessWindowFunction<TResult, TOut, TKey, TWindow> process)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(process);
        RejectEvictor("Aggregate with a process function");
        return Add<TOut>("Window Aggregate", (factory, name, window) => factory.WindowAggregate(name, window, aggregate, process));
    }

    /// <summary>Keeps all elements of a window and hands them, with window metadata, to <paramref name="process"/>.</summary>
    public DataStream<TOut> Process<TOut>(ProcessWindowFunction<T, TOut, TKey, TWindow> process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return Add<TOut>("Window Process", (factory, name, window) => factory.WindowProcess(name, window, process));
    }

    /// <summary>
    /// Sum of a field per window; other fields keep the window's first element's values (as Flink). An integer sum
    /// that overflows its type fails the job, naming the operator, key and window (Flink's would wrap around).
    /// </summary>
    public DataStream<T> Sum<TField>(Expression<Func<T, TField>> field)
        where TField : INumber<TField>
    {
        return Reduce<T>(CheckedSum.Of(field), null, "Window Sum");
    }

    /// <summary>Minimum of a field per window; other fields keep the window's first element's values.</summary>
    public DataStream<T> Min<TField>(Expression<Func<T, TField>> field)
        where TField : IComparable<TField>
    {
        var accessor = FieldAccessor<T, TField>.Create(field);
        return Reduce<T>(new Delegates.ReduceFn<T>((acc, x) => accessor.Get(x).CompareTo(accessor.Get(acc)) < 0 ? accessor.With(acc, accessor.Get(x)) : acc), null, "Window Min");
    }

    /// <summary>Maximum of a field per window; other fields keep the window's first element's values.</summary>
    public DataStream<T> Max<TField>(Expression<Func<T, TField>> field)
        where TField : IComparable<TField>
    {
        var accessor = FieldAccessor<T, TField>.Create(field);
        return Reduce<T>(new Delegates.ReduceFn<T>((acc, x) => accessor.Get(x).CompareTo(accessor.Get(acc)) > 0 ? accessor.With(acc, accessor.Get(x)) : acc), null, "Window Max");
    }

    private DataStream<TOut> Reduce<TOut>(IReduceFunction<T> reduce, ProcessWindowFunction<T, TOut, TKey, TWindow>? process, string kind) =>
        Add<TOut>(kind, (factory, name, window) => factory.WindowReduce(name, window, reduce, process));

    /// <summary>Adds the window operator the runtime's factory builds from this stream's settings (taken now).</summary>
    private DataStream<TOut> Add<TOut>(string kind, Func<IOperatorFactory, string, WindowSpec<T, TWindow>, object> create)
    {
        var window = new WindowSpec<T, TWindow>(_assigner, _trigger, _allowedLateness, _lateDataTag, _evictAllButLast);
        var stream = _input.AddKeyedOperator<TOut>(kind, (factory, name) => create(factory, name, window));
        if (window.LateDataTag is { } tag)
        {
            stream.Transformation.DeclareSideOutput(tag.Id, typeof(T));
        }

        return stream;
    }

    private void RejectEvictor(string what)
    {
        if (_evictAllButLast is not null)
        {
            throw new NotSupportedException($"{what} is not available on sliding count windows; use Reduce, Aggregate or Process.");
        }
    }
}
