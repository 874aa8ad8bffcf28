namespace OrleansFlow.Runtime;

/// <summary>
/// The keys of a keyed subtask (<see cref="KeyEntry"/>): those whose per-key grain holds live state (resident), kept
/// in least-recently-used order for passivation, and those whose state the subtask holds as a copy only (restored from a
/// checkpoint and not called yet, or passivated). A key with neither live nor copied state is not in the table.
/// Not thread-safe: it lives in one subtask.
/// </summary>
internal sealed class KeyTable
{
    private readonly Dictionary<string, KeyEntry> _entries = new(StringComparer.Ordinal);
    private KeyEntry? _oldest;
    private KeyEntry? _newest;

    /// <summary>Keys in the table.</summary>
    public int Count => _entries.Count;

    /// <summary>Keys whose grain holds live state.</summary>
    public int Resident { get; private set; }

    /// <summary>The size of the state copies the table holds, in bytes (how large a full segment would be).</summary>
    public long StateBytes { get; private set; }

    /// <summary>Every entry, in no particular order.</summary>
    public IEnumerable<KeyEntry> Entries => _entries.Values;

    /// <summary>The entry of a key, or null.</summary>
    public KeyEntry? Find(string keyText) => _entries.GetValueOrDefault(keyText);

    /// <summary>The entry of a key, added (with no state) if the table has none.</summary>
    public KeyEntry GetOrAdd(string keyText, object key)
    {
        if (!_entries.TryGetValue(keyText, out var entry))
        {
            entry = new KeyEntry(keyText, key);
            _entries.Add(keyText, entry);
        }

        return entry;
    }

    /// <summary>Adds a key restored from a checkpoint with its state (not resident: its first call seeds it).</summary>
    public void AddRestored(KeyEntry entry, byte[] image)
    {
        _entries.Add(entry.KeyText, entry);
        SetImage(entry, image);
    }

    /// <summary>Keeps <paramref name="image"/> as the key's current state copy.</summary>
    public void SetImage(KeyEntry entry, byte[] image)
    {
        StateBytes += image.Length - (entry.Image?.Length ?? 0);
        entry.Image = image;
        entry.ImageIsCurrent = true;
    }

    /// <summary>The key was called at <paramref name="now"/>: its grain holds its live state and it becomes the newest.</summary>
    public void Touch(KeyEntry entry, Keyed.IKeyedStateGrain grain, long now)
    {
        if (entry.Grain is null)
        {
            entry.Grain = grain;
            Resident++;
        }
        else
        {
            Unlink(entry);
        }

        entry.LastUsed = now;
        Link(entry);
    }

    /// <summary>The resident keys last used at or before <paramref name="cutoff"/>, oldest first.</summary>
    public List<KeyEntry> IdleSince(long cutoff, int max)
    {
        var idle = new List<KeyEntry>();
        for (var entry = _oldest; entry is not null && entry.LastUsed <= cutoff && idle.Count < max; entry = entry.Newer)
        {
            idle.Add(entry);
        }

        return idle;
    }

    /// <summary>
    /// The key's grain no longer holds its live state (it was passivated); the key leaves the table when the subtask
    /// holds no state of it either.
    /// </summary>
    public void Evict(KeyEntry entry)
    {
        if (entry.Grain is not null)
        {
            Unlink(entry);
            entry.Grain = null;
            Resident--;
        }

        RemoveIfEmpty(entry);
    }

    /// <summary>Drops a key that has neither live nor copied state (after a checkpoint found it empty).</summary>
    public void RemoveIfEmpty(KeyEntry entry)
    {
        if (!entry.IsResident && !entry.HasState && !entry.Changed && _entries.TryGetValue(entry.KeyText, out var stored) && stored == entry)
        {
            _entries.Remove(entry.KeyText);
        }
    }

    private void Link(KeyEntry entry)
    {
        entry.Older = _newest;
        entry.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = entry;
        }

        _newest = entry;
        _oldest ??= entry;
    }

    private void Unlink(KeyEntry entry)
    {
        if (entry.Older is not null)
        {
            entry.Older.Newer = entry.Newer;
        }
        else
        {
            _oldest = entry.Newer;
        }

        if (entry.Newer is not null)
        {
            entry.Newer.Older = entry.Older;
        }
        else
        {
            _newest = entry.Older;
        }

        entry.Older = null;
        entry.Newer = null;
    }
}
