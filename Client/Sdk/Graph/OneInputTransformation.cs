using OrleansFlow.Execution;
using OrleansFlow.Functions;

namespace OrleansFlow.Graph;

/// <summary>A stateless one-input operator (map, filter, flatMap): a collector factory that can be chained.</summary>
internal sealed class OneInputTransformation<TIn, TOut>(
    int id, string name, Transformation input, string kind, Func<string, ChainContext, ICollector<TOut>, ICollector<TIn>> createOperator)
    : Transformation<TOut>(id, name, [input]), IOneInputTransformation
{
    public override string Kind => kind;

    /// <summary>Creates the operator, wired to the collector that receives its output.</summary>
    public ICollector<TIn> CreateOperator(ICollector<TOut> downstream, ChainContext context) => createOperator(Name, context, downstream);

    public object CreateOperator(object downstream, ChainContext context) => CreateOperator((ICollector<TOut>)downstream, context);
}

/// <summary>The untyped view of a chainable one-input operator.</summary>
internal interface IOneInputTransformation
{
    /// <summary>Creates the operator; <paramref name="downstream"/> is a collector of its output type.</summary>
    object CreateOperator(object downstream, ChainContext context);
}
