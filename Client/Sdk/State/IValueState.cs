using System.Diagnostics.CodeAnalysis;

namespace OrleansFlow.State;

/// <summary>One value per key. Reads and writes go to the key being processed.</summary>
/// <typeparam name="T">Value type.</typeparam>
public interface IValueState<T>
{
    /// <summary>Whether the current key has a value.</summary>
    bool HasValue { get; }

    /// <summary>The current key's value, or default when it has none.</summary>
    T? Value { get; }

    /// <summary>Returns the value if the current key has one.</summary>
    bool TryGetValue([MaybeNullWhen(false)] out T value);

    /// <summary>Sets the current key's value.</summary>
    void Update(T value);

    /// <summary>Removes the current key's value.</summary>
    void Clear();
}
