using System.Runtime.CompilerServices;
using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>The timers of one key, and the changes made to them during the current call.</summary>
internal sealed class KeyTimers
{
    private readonly SortedTimes _eventTime = new();
    private readonly SortedTimes _processingTime = new();
    private const int CancelWindow = 8;
    private List<TimerChange>? _changes;

    public int Count => _eventTime.Count + _processingTime.Count;

    /// <summary>The watermark up to which this key's event-time timers have fired.</summary>
    public long Watermark { get; set; } = long.MinValue;

    public void Register(long time, TimeDomain domain)
    {
        if (Set(domain).Add(time))
        {
            Record(time, domain, deleted: false);
        }
    }

    public void Delete(long time, TimeDomain domain)
    {
        if (Set(domain).Remove(time))
        {
            Record(time, domain, deleted: true);
        }
    }

    /// <summary>Removes a timer that is firing; returns false if it was deleted meanwhile.</summary>
    public bool TryConsume(long time, TimeDomain domain)
    {
        if (!Set(domain).Remove(time))
        {
            return false;
        }

        Record(time, domain, deleted: true);
        return true;
    }

    /// <summary>Removes and returns the earliest timer at or before <paramref name="upTo"/>, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryTakeDue(TimeDomain domain, long upTo, out long time)
    {
        var set = Set(domain);
        if (set.Count > 0 && set.Min <= upTo)
        {
            time = set.Min;
            return TryConsume(time, domain);
        }

        time = 0;
        return false;
    }

    /// <summary>Returns and clears the changes made since the last call.</summary>
    public TimerChange[]? TakeChanges()
    {
        var changes = _changes is { Count: > 0 } list ? list.ToArray() : null;
        _changes?.Clear();
        return changes;
    }

    /// <summary>The pending timers of a domain, ascending (a copy).</summary>
    public long[] Times(TimeDomain domain) => Set(domain).ToArray();

    /// <summary>Replaces the pending timers and the watermark with a key image's (no changes are reported).</summary>
    public void Import(long[] eventTimers, long[] processingTimers, long watermark)
    {
        _eventTime.Reset(eventTimers);
        _processingTime.Reset(processingTimers);
        Watermark = watermark;
        _changes = null;
    }

    /// <summary>
    /// Notes a change. A timer's changes alternate (registered, deleted, registered, ...), so when one of the last
    /// few changes is the same timer's, it is the opposite of this one and the two cancel out: a timer registered and
    /// fired in the same call (a window opened and fired within one batch) is not reported at all. Only the last few
    /// changes are searched, which keeps this constant-time; the changes left still apply in order to the same result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Record(long time, TimeDomain domain, bool deleted)
    {
        var changes = _changes ??= [];
        for (var i = changes.Count - 1; i >= Math.Max(0, changes.Count - CancelWindow); i--)
        {
            if (changes[i].Timestamp == time && changes[i].Domain == domain)
            {
                changes.RemoveAt(i);
                return;
            }
        }

        changes.Add(new TimerChange(time, domain, deleted));
    }

    private SortedTimes Set(TimeDomain domain) => domain == TimeDomain.EventTime ? _eventTime : _processingTime;
}
