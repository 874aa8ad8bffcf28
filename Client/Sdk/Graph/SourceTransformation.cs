using OrleansFlow.Sources;

namespace OrleansFlow.Graph;

/// <summary>A source operator.</summary>
internal sealed class SourceTransformation<T>(int id, string name, ISource<T> source, double? ratePerSecond)
    : Transformation<T>(id, name, [])
{
    public ISource<T> Source { get; } = source;

    public double? RatePerSecond { get; } = ratePerSecond;

    public override int MaxParallelism => Source.MaxParallelism;

    public override string Kind => "Source";
}
