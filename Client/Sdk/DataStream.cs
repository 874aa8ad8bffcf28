using OrleansFlow.Functions;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Sinks;

namespace OrleansFlow;

/// <summary>
/// A stream of records of type <typeparamref name="T"/>, as Flink's DataStream. Methods add operators to the
/// environment's graph and return the resulting stream; nothing runs until the job is executed.
/// Records within one channel keep their order; Map, Filter and FlatMap keep no state and are chained into the
/// upstream operator when parallelism matches.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public class DataStream<T>
{
    internal DataStream(StreamExecutionEnvironment environment, Transformation transformation)
    {
        Environment = environment;
        Transformation = transformation;
    }

    /// <summary>The environment this stream belongs to.</summary>
    public StreamExecutionEnvironment Environment { get; }

    internal Transformation Transformation { get; }

    /// <summary>Emits <paramref name="map"/>(x) for each record x.</summary>
    public DataStream<TOut> Map<TOut>(Func<T, TOut> map) => Map(new Delegates.MapFn<T, TOut>(map ?? throw new ArgumentNullException(nameof(map))));

    /// <summary>Emits <c>function.Map(x)</c> for each record x.</summary>
    public DataStream<TOut> Map<TOut>(IMapFunction<T, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddOneInput<TOut>("Map", (factory, name, next) => factory.Map(name, function, next));
    }

    /// <summary>Keeps the records for which <paramref name="predicate"/> is true.</summary>
    public DataStream<T> Filter(Func<T, bool> predicate) => Filter(new Delegates.FilterFn<T>(predicate ?? throw new ArgumentNullException(nameof(predicate))));

    /// <summary>Keeps the records the function accepts.</summary>
    public DataStream<T> Filter(IFilterFunction<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddOneInput<T>("Filter", (factory, name, next) => factory.Filter(name, function, next));
    }

    /// <summary>Emits every element of <paramref name="flatMap"/>(x) for each record x.</summary>
    public DataStream<TOut> FlatMap<TOut>(Func<T, IEnumerable<TOut>> flatMap) =>
        FlatMap(new Delegates.FlatMapEnumerableFn<T, TOut>(flatMap ?? throw new ArgumentNullException(nameof(flatMap))));

    /// <summary>Calls <paramref name="flatMap"/> with each record and a collector for its outputs.</summary>
    public DataStream<TOut> FlatMap<TOut>(Action<T, ICollector<TOut>> flatMap) =>
        FlatMap(new Delegates.FlatMapFn<T, TOut>(flatMap ?? throw new ArgumentNullException(nameof(flatMap))));

    /// <summary>Emits whatever the function collects for each record.</summary>
    public DataStream<TOut> FlatMap<TOut>(IFlatMapFunction<T, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddOneInput<TOut>("Flat Map", (factory, name, next) => factory.FlatMap(name, function, next));
    }

    /// <summary>
    /// Partitions the stream by key: all records with one key go to the same subtask and the same per-key state.
    /// Keys are compared with their equality and named by their text (strings, numbers, Guids; other types as JSON).
    /// </summary>
    public KeyedStream<TKey, T> KeyBy<TKey>(Func<T, TKey> keySelector)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        var router = new KeyRouter<T, TKey>(keySelector);
        var partition = Environment.Add(new PartitionTransformation<T>(Environment.NextId, Transformation, PartitionKind.Hash, router));
        return new KeyedStream<TKey, T>(this, partition, router);
    }

    /// <summary>Spreads records round-robin over the next operator's subtasks.</summary>
    public DataStream<T> Rebalance() =>
        new(Environment, Environment.Add(new PartitionTransformation<T>(Environment.NextId, Transformation, PartitionKind.Rebalance, null)));

    /// <summary>Merges this stream with others of the same type (no order across inputs).</summary>
    public DataStream<T> Union(params DataStream<T>[] others)
    {
        ArgumentNullException.ThrowIfNull(others);
        if (others.Any(o => o.Environment != Environment))
        {
            throw new ArgumentException("Only streams of the same environment can be united.", nameof(others));
        }

        var inputs = others.Select(o => o.Transformation).Prepend(Transformation).ToArray();
        return new DataStream<T>(Environment, Environment.Add(new UnionTransformation<T>(Environment.NextId, inputs)));
    }

    /// <summary>Names the operator that produces this stream (shown in status and errors).</summary>
    public DataStream<T> Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Operator("Name").Name = name;
        return this;
    }

    /// <summary>
    /// Gives the operator that produces this stream a stable id (Flink's <c>uid</c>): a job restored from a savepoint
    /// gives each operator the state the savepoint holds under the same id, so state survives changes to the job
    /// (operators added, removed or renamed). Without one, an operator is matched by its kind and position in the
    /// job, which breaks when operators before it change. Ids must be unique within a job.
    /// </summary>
    public DataStream<T> Uid(string uid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        Operator("Uid").Uid = uid;
        return this;
    }

    /// <summary>Sets the operator's parallelism.</summary>
    public DataStream<T> SetParallelism(int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var node = Operator("SetParallelism");
        if (parallelism > node.MaxParallelism)
        {
            throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, $"Operator '{node.Name}' supports parallelism {node.MaxParallelism} at most.");
        }

        node.Parallelism = parallelism;
        return this;
    }

    /// <summary>Keeps the operator out of chains, so it runs in grains of its own.</summary>
    public DataStream<T> DisableChaining()
    {
        Operator("DisableChaining").ChainingEnabled = false;
        return this;
    }

    /// <summary>Prints each record on the standard output of the process running the sink.</summary>
    public DataStreamSink<T> Print(Func<T, string>? format = null) => SinkTo(new PrintSink<T>(format), "Print to Std. Out");

    /// <summary>Writes each record as a line of text (a file, or a directory of part files with parallelism above 1).</summary>
    public DataStreamSink<T> WriteAsText(string path, Func<T, string>? format = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return SinkTo(new TextFileSink<T>(path, format), $"Write {Path.GetFileName(path)}");
    }

    /// <summary>Sends records to any sink.</summary>
    public DataStreamSink<T> SinkTo(ISink<T> sink, string name)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var node = Environment.Add(new SinkTransformation<T>(Environment.NextId, $"Sink: {name}", Transformation, sink));
        return new DataStreamSink<T>(node);
    }

    /// <summary>
    /// Gathers the records in the cluster; read them with <c>JobClient.ReadCollectedAsync</c>, by the returned handle
    /// or by <paramref name="name"/>.
    /// </summary>
    public DataStreamSink<T> Collect(string name = "Collect")
    {
        var sink = new CollectSink<T>();
        var result = SinkTo(sink, name);
        result.Name(name);
        sink.OperatorId = result.Transformation.Id;
        return result;
    }

    /// <summary>
    /// Gives records event timestamps and the stream watermarks from <paramref name="strategy"/>, replacing any
    /// upstream watermarks (as Flink's assignTimestampsAndWatermarks). Periodic generators are called every
    /// <c>ExecutionConfig.AutoWatermarkInterval</c>; an idle input (see <c>WithIdleness</c>) stops holding back the
    /// watermark downstream until its next record.
    /// </summary>
    public DataStream<T> AssignTimestampsAndWatermarks(Watermarks.WatermarkStrategy<T> strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return AddOneInput<T>("Timestamps/Watermarks", (factory, name, next) => factory.TimestampsAndWatermarks(name, strategy, next));
    }

    /// <summary>The records the operator producing this stream emitted to the side output <paramref name="tag"/>.</summary>
    public DataStream<TSide> GetSideOutput<TSide>(OutputTag<TSide> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var producer = Operator("GetSideOutput");
        if (!producer.SideOutputs.TryGetValue(tag.Id, out var type))
        {
            producer.DeclareSideOutput(tag.Id, typeof(TSide));
        }
        else if (type != typeof(TSide))
        {
            throw new ArgumentException($"Side output '{tag.Id}' of '{producer.Name}' has elements of type {type.Name}, not {typeof(TSide).Name}.", nameof(tag));
        }

        return new DataStream<TSide>(Environment, Environment.Add(new SideOutputTransformation<TSide>(Environment.NextId, producer, tag.Id)));
    }

    internal DataStream<TOut> AddOneInput<TOut>(string kind, Func<IOperatorFactory, string, ICollector<TOut>, ICollector<T>> create) =>
        new(Environment, Environment.Add(new OneInputTransformation<T, TOut>(Environment.NextId, kind, Transformation, kind, create)));

    private Transformation Operator(string setting) => Transformation.IsVirtual
        ? throw new InvalidOperationException($"{setting} applies to operators; '{Transformation.Name}' only repartitions or unites streams.")
        : Transformation;
}
