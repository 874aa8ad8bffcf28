using OrleansFlow.Execution;
using OrleansFlow.Sinks;

namespace OrleansFlow.Graph;

/// <summary>A sink operator; it produces nothing.</summary>
internal sealed class SinkTransformation<T>(int id, string name, Transformation input, ISink<T> sink)
    : Transformation<T>(id, name, [input]), ISinkTransformation
{
    public ISink<T> Sink { get; } = sink;

    public override string Kind => "Sink";

    /// <summary>Creates the writer of one subtask, as a collector of the sink's input type plus its flush hooks.</summary>
    public (object Collector, ISinkCollector Sink) CreateWriter(SinkContext context)
    {
        ISinkWriter<T> writer;
        try
        {
            writer = Sink.CreateWriter(context);
        }
        catch (Exception e)
        {
            throw UserFunctionException.For(Name, e).At("while opening the sink");
        }

        var collector = new SinkCollector<T>(Name, writer);
        return (collector, collector);
    }
}

/// <summary>The untyped view of a sink node.</summary>
internal interface ISinkTransformation
{
    (object Collector, ISinkCollector Sink) CreateWriter(SinkContext context);
}
