namespace OrleansFlow.Runtime;

/// <summary>
/// The subtask's index of its keys' timers of one domain, ordered by time: it tells which per-key grains to call
/// when the watermark or the clock passes a time. The timers themselves belong to the per-key grains.
/// </summary>
internal sealed class TimerIndex
{
    private static readonly Comparer<(long Time, KeyEntry Key)> Order = Comparer<(long Time, KeyEntry Key)>.Create(
        (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Key.KeyText, b.Key.KeyText));

    private readonly SortedSet<(long Time, KeyEntry Key)> _timers = new(Order);

    public int Count => _timers.Count;

    public long? Earliest => _timers.Count == 0 ? null : _timers.Min.Time;

    public void Add(long time, KeyEntry key) => _timers.Add((time, key));

    public void Remove(long time, KeyEntry key) => _timers.Remove((time, key));

    /// <summary>Removes and returns the timers at or before <paramref name="time"/>, grouped by key in order of each key's earliest timer.</summary>
    public List<(KeyEntry Key, long[] Times)> TakeDue(long time)
    {
        var due = new List<(long Time, KeyEntry Key)>();
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

        return due.GroupBy(t => t.Key)
            .Select(g => (g.Key, g.Select(t => t.Time).ToArray()))
            .ToList();
    }
}
