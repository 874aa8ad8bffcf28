using OrleansFlow.Sinks;

namespace OrleansFlow.Graph;

/// <summary>A sink operator; it produces nothing.</summary>
internal sealed class SinkTransformation<T>(int id, string name, Transformation input, ISink<T> sink)
    : Transformation<T>(id, name, [input])
{
    public ISink<T> Sink { get; } = sink;

    public override string Kind => "Sink";
}
