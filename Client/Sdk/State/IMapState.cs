using System.Diagnostics.CodeAnalysis;

namespace OrleansFlow.State;

/// <summary>A map per key.</summary>
/// <typeparam name="TKey">Map key type.</typeparam>
/// <typeparam name="TValue">Map value type.</typeparam>
public interface IMapState<TKey, TValue>
    where TKey : notnull
{
    /// <summary>Looks up an entry.</summary>
    bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value);

    /// <summary>Adds or replaces an entry.</summary>
    void Put(TKey key, TValue value);

    /// <summary>Removes an entry.</summary>
    bool Remove(TKey key);

    /// <summary>Whether an entry exists.</summary>
    bool Contains(TKey key);

    /// <summary>The current key's entries.</summary>
    IEnumerable<KeyValuePair<TKey, TValue>> Entries { get; }

    /// <summary>Removes all entries.</summary>
    void Clear();
}
