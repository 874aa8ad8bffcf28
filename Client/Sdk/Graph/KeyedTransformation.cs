using OrleansFlow.Execution;

namespace OrleansFlow.Graph;

/// <summary>A keyed operator: its input is hash-partitioned by key and its state lives in per-key grains.</summary>
internal sealed class KeyedTransformation<TKey, TIn, TOut>(
    int id, string name, Transformation input, string kind, IKeyRouter<TIn> router, Func<KeyedOperator<TKey, TIn, TOut>> createOperator)
    : Transformation<TOut>(id, name, [input]), IKeyedTransformation
        where TKey : notnull
{
    private readonly Lazy<KeyedOperator<TKey, TIn, TOut>> _operator = new(createOperator);

    public override string Kind => kind;

    public IKeyRouter<TIn> Router { get; } = router;

    /// <summary>The operator instance shared by all keys on this silo (built once per graph build).</summary>
    public IKeyedOperator Operator => _operator.Value;

    public IKeySplitter CreateSplitter() => new KeySplitter<TKey, TIn>(Router);

    public object InputRouter => Router;
}

/// <summary>The untyped view of a keyed operator node the runtime needs.</summary>
internal interface IKeyedTransformation
{
    IKeyedOperator Operator { get; }

    /// <summary>The key router of the operator's input (an <c>IKeyRouter</c> of the input type).</summary>
    object InputRouter { get; }

    IKeySplitter CreateSplitter();
}
