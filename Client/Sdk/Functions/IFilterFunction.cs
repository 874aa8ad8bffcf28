namespace OrleansFlow.Functions;

/// <summary>Keeps the records for which it returns true.</summary>
public interface IFilterFunction<in T>
{
    /// <summary>Whether to keep the record.</summary>
    bool Filter(T value);
}
