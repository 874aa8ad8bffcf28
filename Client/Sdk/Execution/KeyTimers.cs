using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>The timers of one key, and the changes made to them during the current call.</summary>
internal sealed class KeyTimers
{
    private readonly SortedSet<long> _eventTime = [];
    private readonly SortedSet<long> _processingTime = [];
    private List<TimerChange>? _changes;

    public int Count => _eventTime.Count + _processingTime.Count;

    public void Register(long time, TimeDomain domain)
    {
        if (Set(domain).Add(time))
        {
            (_changes ??= []).Add(new TimerChange(time, domain, Deleted: false));
        }
    }

    public void Delete(long time, TimeDomain domain)
    {
        if (Set(domain).Remove(time))
        {
            (_changes ??= []).Add(new TimerChange(time, domain, Deleted: true));
        }
    }

    /// <summary>Removes a timer that is firing; returns false if it was deleted meanwhile.</summary>
    public bool TryConsume(long time, TimeDomain domain) => Set(domain).Remove(time);

    /// <summary>Returns and clears the changes made since the last call.</summary>
    public TimerChange[]? TakeChanges()
    {
        var changes = _changes?.ToArray();
        _changes = null;
        return changes;
    }

    private SortedSet<long> Set(TimeDomain domain) => domain == TimeDomain.EventTime ? _eventTime : _processingTime;
}
