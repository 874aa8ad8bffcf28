using OrleansFlow.Execution;
using OrleansFlow.Functions;
using OrleansFlow.Sources;

namespace OrleansFlow.Graph;

/// <summary>A source operator.</summary>
internal sealed class SourceTransformation<T>(int id, string name, ISource<T> source, double? ratePerSecond)
    : Transformation<T>(id, name, []), ISourceTransformation
{
    public ISource<T> Source { get; } = source;

    public double? RatePerSecond { get; } = ratePerSecond;

    public override int MaxParallelism => Source.MaxParallelism;

    public override string Kind => "Source";

    public ISourceDriver CreateDriver(object downstream, SourceReaderContext context, ChainContext chain) =>
        new SourceDriver<T>(Name, Source.CreateReader(context), (ICollector<T>)downstream, chain);
}

/// <summary>The untyped view of a source node.</summary>
internal interface ISourceTransformation
{
    double? RatePerSecond { get; }

    ISourceDriver CreateDriver(object downstream, SourceReaderContext context, ChainContext chain);
}
