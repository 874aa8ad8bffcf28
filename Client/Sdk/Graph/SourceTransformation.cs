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

    public object CreateDriver(IOperatorFactory factory, object downstream, SourceReaderContext context) =>
        factory.SourceDriver(Name, Source, context, (ICollector<T>)downstream);
}

/// <summary>The untyped view of a source node.</summary>
internal interface ISourceTransformation
{
    double? RatePerSecond { get; }

    /// <summary>Drives the source's reader of one subtask into <paramref name="downstream"/> (a runtime source driver).</summary>
    object CreateDriver(IOperatorFactory factory, object downstream, SourceReaderContext context);
}
