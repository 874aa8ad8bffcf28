namespace OrleansFlow.Functions;

/// <summary>
/// Incremental aggregation with an accumulator, as Flink's AggregateFunction: windows keep only the accumulator.
/// <see cref="Merge"/> is needed for merging (session) windows.
/// </summary>
/// <typeparam name="TIn">Input type.</typeparam>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
/// <typeparam name="TOut">Result type.</typeparam>
public interface IAggregateFunction<in TIn, TAcc, out TOut>
{
    /// <summary>A new, empty accumulator.</summary>
    TAcc CreateAccumulator();

    /// <summary>Adds a value; may return the same (mutated) or a new accumulator.</summary>
    TAcc Add(TIn value, TAcc accumulator);

    /// <summary>The result of an accumulator.</summary>
    TOut GetResult(TAcc accumulator);

    /// <summary>Combines two accumulators.</summary>
    TAcc Merge(TAcc a, TAcc b);
}
