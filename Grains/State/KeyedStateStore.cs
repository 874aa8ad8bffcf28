namespace OrleansFlow.State;

/// <summary>
/// The state of one key: named values, lists and maps, plus its timers. The per-key grain owns one; state handles
/// reach it through <see cref="Current"/>, which the grain sets around each synchronous call into user code.
/// </summary>
internal sealed class KeyedStateStore
{
    [ThreadStatic]
    private static KeyedStateStore? t_current;

    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);

    /// <summary>The store of the key being processed on this thread.</summary>
    public static KeyedStateStore Current =>
        t_current ?? throw new InvalidOperationException("Keyed state can only be used while a keyed function processes a record or timer.");

    public IReadOnlyCollection<string> Names => _entries.Keys;

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Makes this store current on the calling thread until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = t_current;
        t_current = this;
        return new Scope(previous);
    }

    public bool TryGet(string name, out object? value)
    {
        var found = _entries.TryGetValue(name, out var stored);
        value = stored;
        return found;
    }

    public object? Get(string name) => _entries.GetValueOrDefault(name);

    public T GetOrAdd<T>(string name, Func<T> create)
        where T : class
    {
        if (_entries.TryGetValue(name, out var existing))
        {
            return (T)existing;
        }

        var created = create();
        _entries[name] = created;
        return created;
    }

    public void Set(string name, object value) => _entries[name] = value;

    public void Remove(string name) => _entries.Remove(name);

    /// <summary>Fills <paramref name="image"/> with these entries (shared, so serialize it before the next call changes them).</summary>
    public void ExportTo(KeyStateImage image)
    {
        var names = image.Names.Length == _entries.Count ? image.Names : new string[_entries.Count];
        var values = image.Values.Length == _entries.Count ? image.Values : new object[_entries.Count];
        var i = 0;
        foreach (var (name, value) in _entries)
        {
            names[i] = name;
            values[i++] = value;
        }

        image.Names = names;
        image.Values = values;
    }

    /// <summary>Builds a store from a deserialized image; the image's values are taken over.</summary>
    public static KeyedStateStore Import(KeyStateImage image)
    {
        var store = new KeyedStateStore();
        for (var i = 0; i < image.Names.Length; i++)
        {
            store._entries[image.Names[i]] = image.Values[i];
        }

        return store;
    }

    /// <summary>Restores the previously current store.</summary>
    public readonly struct Scope(KeyedStateStore? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
