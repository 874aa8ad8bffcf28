namespace OrleansFlow.Runtime;

/// <summary>
/// The subtask's index of its keys' timers of one domain, ordered by time: it tells which per-key grains to call
/// when the watermark or the clock passes a time. The timers themselves belong to the per-key grains.
/// </summary>
internal sealed class TimerIndex
{
    private readonly SortedSet<(long Time, string Key)> _timers = new();
    private readonly Dictionary<string, object> _keys = new(StringComparer.Ordinal);

    public int Count => _timers.Count;

    public long? Earliest => _timers.Count == 0 ? null : _timers.Min.Time;

    public void Add(long time, string keyText, object key)
    {
        _timers.Add((time, keyText));
        _keys[keyText] = key;
    }

    public void Remove(long time, string keyText) => _timers.Remove((time, keyText));

    /// <summary>Every timer with its key, for a checkpoint.</summary>
    public IEnumerable<(long Time, string KeyText, object Key)> Entries => _timers.Select(t => (t.Time, t.Key, _keys[t.Key]));

    /// <summary>Removes and returns the timers at or before <paramref name="time"/>, grouped by key in order of each key's earliest timer.</summary>
    public List<(string KeyText, object Key, long[] Times)> TakeDue(long time)
    {
        var due = new List<(long Time, string Key)>();
        foreach (var timer in _timers)
        {
            if (timer.Time > time)
            {
                break;
            }

            due.Add(timer);
        }

        foreach (var timer in due)
        {
            _timers.Remove(timer);
        }

        return due.GroupBy(t => t.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, _keys[g.Key], g.Select(t => t.Time).ToArray()))
            .ToList();
    }
}
