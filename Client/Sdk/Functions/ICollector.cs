namespace OrleansFlow.Functions;

/// <summary>Receives the records a function emits.</summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ICollector<in T>
{
    /// <summary>Emits one record downstream.</summary>
    void Collect(T record);
}
