using System.Diagnostics.CodeAnalysis;

namespace OrleansFlow.State;

/// <summary>Value state bound to whichever key is current (a boxed holder keeps value types distinct from "no value").</summary>
internal sealed class ValueStateHandle<T>(string name) : IValueState<T>
{
    public bool HasValue => KeyedStateStore.Current.TryGet(name, out _);

    public T? Value => TryGetValue(out var value) ? value : default;

    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        if (KeyedStateStore.Current.TryGet(name, out var stored) && stored is ValueHolder<T> holder)
        {
            value = holder.Value;
            return true;
        }

        value = default;
        return false;
    }

    public void Update(T value)
    {
        var store = KeyedStateStore.Current;
        if (store.TryGet(name, out var stored) && stored is ValueHolder<T> holder)
        {
            holder.Value = value;
        }
        else
        {
            store.Set(name, new ValueHolder<T>(value));
        }
    }

    public void Clear() => KeyedStateStore.Current.Remove(name);
}

/// <summary>The stored form of a value state (serializable, so checkpoints can copy it).</summary>
[GenerateSerializer, Alias("flow.ValueHolder`1")]
internal sealed class ValueHolder<T>(T value) : IValueHolder
{
    [Id(0)]
    public T Value { get; set; } = value;

    object? IValueHolder.BoxedValue => Value;

    public override string? ToString() => Value?.ToString();
}

internal sealed class ListStateHandle<T>(string name) : IListState<T>
{
    public IReadOnlyList<T> Get() =>
        KeyedStateStore.Current.Get(name) as List<T> ?? (IReadOnlyList<T>)[];

    public void Add(T value) => KeyedStateStore.Current.GetOrAdd(name, () => new List<T>()).Add(value);

    public void AddAll(IEnumerable<T> values) => KeyedStateStore.Current.GetOrAdd(name, () => new List<T>()).AddRange(values);

    public void Update(IEnumerable<T> values)
    {
        var list = new List<T>(values);
        if (list.Count == 0)
        {
            Clear();
        }
        else
        {
            KeyedStateStore.Current.Set(name, list);
        }
    }

    public void Clear() => KeyedStateStore.Current.Remove(name);
}

internal sealed class MapStateHandle<TKey, TValue>(string name) : IMapState<TKey, TValue>
    where TKey : notnull
{
    private Dictionary<TKey, TValue>? Existing => KeyedStateStore.Current.Get(name) as Dictionary<TKey, TValue>;

    public IEnumerable<KeyValuePair<TKey, TValue>> Entries => Existing ?? [];

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (Existing is { } map)
        {
            return map.TryGetValue(key, out value);
        }

        value = default;
        return false;
    }

    public void Put(TKey key, TValue value) =>
        KeyedStateStore.Current.GetOrAdd(name, () => new Dictionary<TKey, TValue>())[key] = value;

    public bool Remove(TKey key)
    {
        if (Existing is not { } map || !map.Remove(key))
        {
            return false;
        }

        if (map.Count == 0)
        {
            Clear();
        }

        return true;
    }

    public bool Contains(TKey key) => Existing?.ContainsKey(key) ?? false;

    public void Clear() => KeyedStateStore.Current.Remove(name);
}

/// <summary>The untyped view of a stored value state.</summary>
internal interface IValueHolder
{
    object? BoxedValue { get; }
}

/// <summary>Turns stored state into what clients read.</summary>
internal static class StateValues
{
    public static object? Unwrap(object? stored) => stored is IValueHolder holder ? holder.BoxedValue : stored;
}
