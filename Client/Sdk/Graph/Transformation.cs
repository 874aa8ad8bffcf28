namespace OrleansFlow.Graph;

/// <summary>
/// A node of the logical graph the DataStream API builds lazily, as Flink's Transformation. Ids are assigned in
/// build order, so building the same job twice gives the same ids on every silo.
/// </summary>
internal abstract class Transformation(int id, string name, IReadOnlyList<Transformation> inputs)
{
    public int Id { get; } = id;

    public string Name { get; set; } = name;

    public string? Uid { get; set; }

    /// <summary>Parallelism set on this operator, or null for the environment's default.</summary>
    public int? Parallelism { get; set; }

    public bool ChainingEnabled { get; set; } = true;

    public IReadOnlyList<Transformation> Inputs { get; } = inputs;

    /// <summary>Side outputs this operator may emit: tag id to element type.</summary>
    public IReadOnlyDictionary<string, Type> SideOutputs => _sideOutputs;

    private readonly Dictionary<string, Type> _sideOutputs = new(StringComparer.Ordinal);

    public void DeclareSideOutput(string tag, Type type)
    {
        if (_sideOutputs.TryGetValue(tag, out var existing) && existing != type)
        {
            throw new ArgumentException($"Side output '{tag}' of '{Name}' is declared with two types ({existing.Name}, {type.Name}).");
        }

        _sideOutputs[tag] = type;
    }

    public abstract Type OutputType { get; }

    /// <summary>Virtual nodes (partitioning, union) only shape edges; they run no code.</summary>
    public virtual bool IsVirtual => false;

    /// <summary>Most parallelism the operator supports (sources may be non-parallel).</summary>
    public virtual int MaxParallelism => int.MaxValue;

    public abstract string Kind { get; }

    /// <summary>Pushes a batch of this node's output type into a collector of that type.</summary>
    public abstract object CreatePusher(IOperatorFactory factory, object collector);

    /// <summary>Creates the collector that writes this node's output to a channel the runtime's <paramref name="spec"/> describes.</summary>
    public abstract object CreateChannelOutput(IOperatorFactory factory, object spec);

    /// <summary>A collector of this node's output type that copies each record to all <paramref name="collectors"/>.</summary>
    public abstract object CreateFanOut(IOperatorFactory factory, IReadOnlyList<object> collectors);

    /// <summary>A collector of this node's output type that drops records (an output nobody consumes).</summary>
    public abstract object CreateDiscard(IOperatorFactory factory);
}

/// <summary>A node producing records of type <typeparamref name="T"/>.</summary>
internal abstract class Transformation<T>(int id, string name, IReadOnlyList<Transformation> inputs)
    : Transformation(id, name, inputs)
{
    public override Type OutputType => typeof(T);

    public override object CreatePusher(IOperatorFactory factory, object collector) => factory.Pusher((Functions.ICollector<T>)collector);

    public override object CreateChannelOutput(IOperatorFactory factory, object spec) => factory.ChannelOutput<T>(spec);

    public override object CreateFanOut(IOperatorFactory factory, IReadOnlyList<object> collectors) =>
        factory.FanOut(collectors.Cast<Functions.ICollector<T>>().ToArray());

    public override object CreateDiscard(IOperatorFactory factory) => factory.Discard<T>();
}
