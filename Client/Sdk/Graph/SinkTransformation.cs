using OrleansFlow.Sinks;

namespace OrleansFlow.Graph;

/// <summary>A sink operator; it produces nothing.</summary>
internal sealed class SinkTransformation<T>(int id, string name, Transformation input, ISink<T> sink)
    : Transformation<T>(id, name, [input]), ISinkTransformation
{
    public ISink<T> Sink { get; } = sink;

    public override string Kind => "Sink";

    /// <summary>Creates the writer of one subtask, as a collector of the sink's input type plus its flush hooks (a runtime sink collector).</summary>
    public (object Collector, object Sink) CreateWriter(IOperatorFactory factory, SinkContext context) => factory.SinkWriter(Name, Sink, context);
}

/// <summary>The untyped view of a sink node.</summary>
internal interface ISinkTransformation
{
    (object Collector, object Sink) CreateWriter(IOperatorFactory factory, SinkContext context);
}
