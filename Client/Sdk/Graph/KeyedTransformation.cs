namespace OrleansFlow.Graph;

/// <summary>
/// A keyed operator: its input is hash-partitioned by key and its state lives in per-key grains.
/// <paramref name="createOperator"/> asks the runtime's factory for the operator, given its name.
/// </summary>
internal sealed class KeyedTransformation<TKey, TIn, TOut>(
    int id, string name, Transformation input, string kind, IKeyRouter<TIn> router, Func<IOperatorFactory, string, object> createOperator)
    : Transformation<TOut>(id, name, [input]), IKeyedTransformation
        where TKey : notnull
{
    private readonly Lock _gate = new();
    private object? _operator;

    public override string Kind => kind;

    public IKeyRouter<TIn> Router { get; } = router;

    /// <summary>The operator instance shared by all keys on this silo (built once per graph build, by the first caller's factory).</summary>
    public object GetOperator(IOperatorFactory factory)
    {
        lock (_gate)
        {
            return _operator ??= createOperator(factory, Name);
        }
    }

    public object CreateSplitter(IOperatorFactory factory) => factory.KeySplitter<TKey, TIn>(Router);

    public object InputRouter => Router;
}

/// <summary>The untyped view of a keyed operator node the runtime needs.</summary>
internal interface IKeyedTransformation
{
    /// <summary>The operator instance shared by all keys on this silo (a runtime keyed operator).</summary>
    object GetOperator(IOperatorFactory factory);

    /// <summary>The key router of the operator's input (an <c>IKeyRouter</c> of the input type).</summary>
    object InputRouter { get; }

    /// <summary>Splits the operator's input batches into per-key groups (a runtime key splitter).</summary>
    object CreateSplitter(IOperatorFactory factory);
}
