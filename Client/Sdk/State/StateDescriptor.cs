namespace OrleansFlow.State;

/// <summary>Names a piece of keyed state. Names are unique per operator.</summary>
public abstract class StateDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    protected StateDescriptor(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The state's name, as queried from clients.</summary>
    public string Name { get; }
}

/// <summary>Describes a <see cref="IValueState{T}"/>.</summary>
/// <typeparam name="T">Value type.</typeparam>
public sealed class ValueStateDescriptor<T>(string name) : StateDescriptor(name);

/// <summary>Describes a <see cref="IListState{T}"/>.</summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class ListStateDescriptor<T>(string name) : StateDescriptor(name);

/// <summary>Describes a <see cref="IMapState{TKey, TValue}"/>.</summary>
/// <typeparam name="TKey">Map key type.</typeparam>
/// <typeparam name="TValue">Map value type.</typeparam>
public sealed class MapStateDescriptor<TKey, TValue>(string name) : StateDescriptor(name)
    where TKey : notnull;
