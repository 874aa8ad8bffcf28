namespace OrleansFlow.Functions;

/// <summary>Turns each record into exactly one record. Must not keep per-record state in fields.</summary>
public interface IMapFunction<in TIn, out TOut>
{
    /// <summary>Maps one record.</summary>
    TOut Map(TIn value);
}
