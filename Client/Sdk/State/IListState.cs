namespace OrleansFlow.State;

/// <summary>A list per key.</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IListState<T>
{
    /// <summary>The current key's elements (empty when none).</summary>
    IReadOnlyList<T> Get();

    /// <summary>Appends one element.</summary>
    void Add(T value);

    /// <summary>Appends several elements.</summary>
    void AddAll(IEnumerable<T> values);

    /// <summary>Replaces the list.</summary>
    void Update(IEnumerable<T> values);

    /// <summary>Removes the list.</summary>
    void Clear();
}
