namespace OrleansFlow.Sources;

/// <summary>One entry of a Redis stream, as <see cref="RedisStreamSource{T}"/> hands it to the parse function.</summary>
public sealed class RedisStreamEntry
{
    private readonly KeyValuePair<string, string>[] _fields;

    /// <summary>Creates an entry (for testing parse functions).</summary>
    /// <param name="id">The entry id, <c>milliseconds-sequence</c>.</param>
    /// <param name="fields">The entry's field-value pairs, in stream order.</param>
    public RedisStreamEntry(string id, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(fields);
        Id = id;
        _fields = fields.ToArray();
    }

    /// <summary>The entry id, <c>milliseconds-sequence</c>.</summary>
    public string Id { get; }

    /// <summary>The field-value pairs, in stream order (a field may repeat).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The value of the first field named <paramref name="name"/>, or null when there is none.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (field, value) in _fields)
            {
                if (field == name)
                {
                    return value;
                }
            }

            return null;
        }
    }

    /// <summary>The value of the first field named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The entry has no such field (a parse function may let it escape: the entry is then a bad record).</exception>
    public string Field(string name) => this[name] ?? throw new KeyNotFoundException($"The entry has no field '{name}'.");

    /// <summary>The entry as <c>id {field=value, ...}</c>.</summary>
    public override string ToString() => $"{Id} {{{string.Join(", ", _fields.Select(f => $"{f.Key}={f.Value}"))}}}";
}
