using OrleansFlow.Functions;

namespace OrleansFlow.Graph;

/// <summary>
/// A stateless one-input operator (map, filter, flatMap, timestamp assigner) that can be chained:
/// <paramref name="createOperator"/> asks the runtime's factory for it, given its name and the collector of its output.
/// </summary>
internal sealed class OneInputTransformation<TIn, TOut>(
    int id, string name, Transformation input, string kind, Func<IOperatorFactory, string, ICollector<TOut>, ICollector<TIn>> createOperator)
    : Transformation<TOut>(id, name, [input]), IOneInputTransformation
{
    public override string Kind => kind;

    /// <summary>Creates the operator, wired to the collector that receives its output.</summary>
    public ICollector<TIn> CreateOperator(IOperatorFactory factory, ICollector<TOut> downstream) => createOperator(factory, Name, downstream);

    public object CreateOperator(IOperatorFactory factory, object downstream) => CreateOperator(factory, (ICollector<TOut>)downstream);
}

/// <summary>The untyped view of a chainable one-input operator.</summary>
internal interface IOneInputTransformation
{
    /// <summary>Creates the operator; <paramref name="downstream"/> is a collector of its output type.</summary>
    object CreateOperator(IOperatorFactory factory, object downstream);
}
