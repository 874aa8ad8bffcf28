using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;
using OrleansFlow.Watermarks;
using OrleansFlow.Windowing;

namespace OrleansFlow.Execution;

/// <summary>
/// The runtime's <see cref="IOperatorFactory"/>: builds the operators, channel ends, drivers and writers of one
/// subtask's chain, which share <paramref name="context"/>. Keyed operators are built once per graph and share no
/// chain, so they ignore it.
/// </summary>
internal sealed class OperatorFactory(ChainContext context) : IOperatorFactory
{
    /// <summary>The chain context the operators of this chain share.</summary>
    public ChainContext Context { get; } = context;

    public object Pusher<T>(ICollector<T> collector) => new BatchPusher<T>(collector, Context);

    public object ChannelOutput<T>(object spec) => new ChannelOutput<T>((ChannelOutputSpec)spec);

    public ICollector<T> FanOut<T>(IReadOnlyList<ICollector<T>> collectors) =>
        collectors.Count == 1 ? collectors[0] : new ChainedOperators.FanOut<T>([.. collectors]);

    public ICollector<T> Discard<T>() => new DiscardCollector<T>();

    public object SourceDriver<T>(string name, ISource<T> source, SourceReaderContext context, ICollector<T> downstream) =>
        new SourceDriver<T>(name, source.CreateReader(context), downstream, Context);

    public (ICollector<T> Collector, object Sink) SinkWriter<T>(string name, ISink<T> sink, SinkContext context)
    {
        ISinkWriter<T> writer;
        try
        {
            writer = sink.CreateWriter(context);
        }
        catch (Exception e)
        {
            throw UserFunctionException.For(name, e).At("while opening the sink");
        }

        var collector = new SinkCollector<T>(name, writer);
        return (collector, collector);
    }

    public object KeySplitter<TKey, TIn>(IKeyRouter<TIn> router)
        where TKey : notnull => new KeySplitter<TKey, TIn>(router);

    public ICollector<TIn> Map<TIn, TOut>(string name, IMapFunction<TIn, TOut> function, ICollector<TOut> next) =>
        new ChainedOperators.Map<TIn, TOut>(name, function, next);

    public ICollector<T> Filter<T>(string name, IFilterFunction<T> function, ICollector<T> next) =>
        new ChainedOperators.Filter<T>(name, function, next);

    public ICollector<TIn> FlatMap<TIn, TOut>(string name, IFlatMapFunction<TIn, TOut> function, ICollector<TOut> next) =>
        new ChainedOperators.FlatMap<TIn, TOut>(name, function, next);

    public ICollector<T> TimestampsAndWatermarks<T>(string name, WatermarkStrategy<T> strategy, ICollector<T> next) =>
        new TimestampsAndWatermarksOperator<T>(name, strategy, next, Context);

    public object KeyedProcess<TKey, TIn, TOut>(string name, KeyedProcessFunction<TKey, TIn, TOut> function)
        where TKey : notnull => new ProcessOperator<TKey, TIn, TOut>(name, function);

    public object Reduce<TKey, T>(string name, IReduceFunction<T> function)
        where TKey : notnull => new ReduceOperator<TKey, T>(name, function);

    public object WindowReduce<TKey, T, TOut, TWindow>(string name, WindowSpec<T, TWindow> window, IReduceFunction<T> reduce, ProcessWindowFunction<T, TOut, TKey, TWindow>? process)
        where TKey : notnull
        where TWindow : Window =>
        window.EvictAllButLast is { } keep
            ? Window<TKey, T, List<T>, TOut, TWindow>(name, window, WindowLogics.Evicting<TKey, T, TOut, TWindow>(keep, (key, list, context, output) =>
                WindowLogics.Reduce(reduce, process).Emit(key, context.Window, Fold(reduce, list), context, output)))
            : Window(name, window, WindowLogics.Reduce(reduce, process));

    public object WindowAggregate<TKey, T, TAcc, TResult, TOut, TWindow>(
        string name, WindowSpec<T, TWindow> window, IAggregateFunction<T, TAcc, TResult> aggregate, ProcessWindowFunction<TResult, TOut, TKey, TWindow>? process)
        where TKey : notnull
        where TWindow : Window
    {
        if (window.EvictAllButLast is not { } keep)
        {
            return Window(name, window, WindowLogics.Aggregate(aggregate, process));
        }

        if (process is not null)
        {
            throw new NotSupportedException("Aggregate with a process function is not available on sliding count windows; use Reduce, Aggregate or Process.");
        }

        // Without a process function the result is the output (the API passes TResult = TOut).
        return Window<TKey, T, List<T>, TOut, TWindow>(name, window, WindowLogics.Evicting<TKey, T, TOut, TWindow>(keep, (_, list, _, output) =>
            ((ICollector<TResult>)output).Collect(aggregate.GetResult(list.Aggregate(aggregate.CreateAccumulator(), (acc, x) => aggregate.Add(x, acc))))));
    }

    public object WindowProcess<TKey, T, TOut, TWindow>(string name, WindowSpec<T, TWindow> window, ProcessWindowFunction<T, TOut, TKey, TWindow> process)
        where TKey : notnull
        where TWindow : Window =>
        window.EvictAllButLast is { } keep
            ? Window<TKey, T, List<T>, TOut, TWindow>(name, window, WindowLogics.Evicting<TKey, T, TOut, TWindow>(keep, (key, list, context, output) =>
                WindowLogics.Process(process).Emit(key, context.Window, list, context, output)))
            : Window(name, window, WindowLogics.Process(process));

    private static WindowOperator<TKey, T, TAcc, TOut, TWindow> Window<TKey, T, TAcc, TOut, TWindow>(
        string name, WindowSpec<T, TWindow> window, WindowLogic<TKey, T, TAcc, TOut, TWindow> logic)
        where TKey : notnull
        where TWindow : Window =>
        new(name, window.Assigner, window.Trigger, window.AllowedLateness, window.LateDataTag, logic);

    private static ReduceAccumulator<T> Fold<T>(IReduceFunction<T> reduce, List<T> list) =>
        new() { HasValue = true, Value = list.Aggregate(reduce.Reduce) };
}

/// <summary>The runtime's view of keyed graph nodes.</summary>
internal static class KeyedTransformations
{
    extension(IKeyedTransformation node)
    {
        /// <summary>The node's keyed operator, built on first use and shared by all keys on this silo (it belongs to no chain).</summary>
        public IKeyedOperator Operator => (IKeyedOperator)node.GetOperator(new OperatorFactory(new ChainContext()));
    }
}
