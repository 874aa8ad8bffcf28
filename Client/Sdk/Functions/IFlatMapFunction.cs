namespace OrleansFlow.Functions;

/// <summary>Turns each record into zero or more records.</summary>
public interface IFlatMapFunction<in TIn, out TOut>
{
    /// <summary>Emits the records that <paramref name="value"/> becomes.</summary>
    void FlatMap(TIn value, ICollector<TOut> output);
}
