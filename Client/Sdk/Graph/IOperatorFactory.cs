using OrleansFlow.Functions;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;
using OrleansFlow.Watermarks;

namespace OrleansFlow.Graph;

/// <summary>
/// Creates what a graph node describes (its operator, the ends of its channels, its source driver or sink writer),
/// as Flink's StreamOperatorFactory does for a Transformation. The DataStream API only describes; the runtime in the
/// silos (OrleansFlow.Grains, namespace OrleansFlow.Execution) implements this, so the API names none of its types:
/// what only the runtime handles is typed <see cref="object"/> here. Generic methods keep the record types the API
/// knows at build time.
/// </summary>
internal interface IOperatorFactory
{
    /// <summary>Pushes a channel batch of <typeparamref name="T"/> records into <paramref name="collector"/>.</summary>
    object Pusher<T>(ICollector<T> collector);

    /// <summary>Writes a node's output to one channel; <paramref name="spec"/> is the runtime's description of it.</summary>
    object ChannelOutput<T>(object spec);

    /// <summary>Copies each record to all <paramref name="collectors"/>.</summary>
    ICollector<T> FanOut<T>(IReadOnlyList<ICollector<T>> collectors);

    /// <summary>Drops records (an output nobody consumes).</summary>
    ICollector<T> Discard<T>();

    /// <summary>Drives a source reader of one subtask into <paramref name="downstream"/>.</summary>
    object SourceDriver<T>(string name, ISource<T> source, SourceReaderContext context, ICollector<T> downstream);

    /// <summary>Opens the sink writer of one subtask: a collector of the sink's input type plus the runtime's flush hooks.</summary>
    (ICollector<T> Collector, object Sink) SinkWriter<T>(string name, ISink<T> sink, SinkContext context);

    /// <summary>Splits a batch of <typeparamref name="TIn"/> records into per-key groups, as <paramref name="router"/> routes them.</summary>
    object KeySplitter<TKey, TIn>(IKeyRouter<TIn> router)
        where TKey : notnull;

    /// <summary>A chained map.</summary>
    ICollector<TIn> Map<TIn, TOut>(string name, IMapFunction<TIn, TOut> function, ICollector<TOut> next);

    /// <summary>A chained filter.</summary>
    ICollector<T> Filter<T>(string name, IFilterFunction<T> function, ICollector<T> next);

    /// <summary>A chained flat map.</summary>
    ICollector<TIn> FlatMap<TIn, TOut>(string name, IFlatMapFunction<TIn, TOut> function, ICollector<TOut> next);

    /// <summary>A chained timestamp and watermark assigner.</summary>
    ICollector<T> TimestampsAndWatermarks<T>(string name, WatermarkStrategy<T> strategy, ICollector<T> next);

    /// <summary>A keyed operator running a keyed process function.</summary>
    object KeyedProcess<TKey, TIn, TOut>(string name, KeyedProcessFunction<TKey, TIn, TOut> function)
        where TKey : notnull;

    /// <summary>A keyed operator emitting the running reduction per key.</summary>
    object Reduce<TKey, T>(string name, IReduceFunction<T> function)
        where TKey : notnull;

    /// <summary>A window operator that reduces a window's elements, then hands the result to <paramref name="process"/> if set.</summary>
    object WindowReduce<TKey, T, TOut, TWindow>(string name, WindowSpec<T, TWindow> window, IReduceFunction<T> reduce, ProcessWindowFunction<T, TOut, TKey, TWindow>? process)
        where TKey : notnull
        where TWindow : Windowing.Window;

    /// <summary>
    /// A window operator that aggregates a window's elements, then hands the result to <paramref name="process"/>, or
    /// emits it as it is when <paramref name="process"/> is null (then <typeparamref name="TResult"/> is <typeparamref name="TOut"/>).
    /// </summary>
    object WindowAggregate<TKey, T, TAcc, TResult, TOut, TWindow>(
        string name, WindowSpec<T, TWindow> window, IAggregateFunction<T, TAcc, TResult> aggregate, ProcessWindowFunction<TResult, TOut, TKey, TWindow>? process)
        where TKey : notnull
        where TWindow : Windowing.Window;

    /// <summary>A window operator that keeps a window's elements and hands them to <paramref name="process"/>.</summary>
    object WindowProcess<TKey, T, TOut, TWindow>(string name, WindowSpec<T, TWindow> window, ProcessWindowFunction<T, TOut, TKey, TWindow> process)
        where TKey : notnull
        where TWindow : Windowing.Window;
}

/// <summary>
/// The settings of a windowed stream a window operator is built from: assigner, trigger, allowed lateness (ms), the
/// side output for late elements, and, for sliding count windows, how many of the last elements are kept.
/// </summary>
internal sealed record WindowSpec<T, TWindow>(
    Windowing.WindowAssigner<TWindow> Assigner, Windowing.Trigger<TWindow> Trigger, long AllowedLateness, OutputTag<T>? LateDataTag, long? EvictAllButLast)
    where TWindow : Windowing.Window;
