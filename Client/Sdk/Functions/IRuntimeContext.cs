using OrleansFlow.State;

namespace OrleansFlow.Functions;

/// <summary>What a keyed function can reach when it is opened: its operator's identity and keyed state handles.</summary>
public interface IRuntimeContext
{
    /// <summary>The job's id.</summary>
    string JobId { get; }

    /// <summary>The operator's name.</summary>
    string OperatorName { get; }

    /// <summary>A handle to a single value per key. The handle always reads and writes the current key's value.</summary>
    IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor);

    /// <summary>A handle to a list per key.</summary>
    IListState<T> GetListState<T>(ListStateDescriptor<T> descriptor);

    /// <summary>A handle to a map per key.</summary>
    IMapState<TKey, TValue> GetMapState<TKey, TValue>(MapStateDescriptor<TKey, TValue> descriptor)
        where TKey : notnull;
}
