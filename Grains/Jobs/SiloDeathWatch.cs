namespace OrleansFlow.Jobs;

/// <summary>
/// Decides, from the cluster's membership snapshots, when this silo wakes the job managers: a silo was newly declared
/// dead, and this silo is the one that wakes them (of the active silos, the one with the lowest address; if it dies
/// before it could, its own death makes the next one wake them). A job whose job manager died with its silo then
/// recovers without waiting for a call: nothing else may call it when the coordinator died too and the surviving
/// tasks only wait for input.
/// </summary>
internal sealed class SiloDeathWatch(SiloAddress self)
{
    private readonly HashSet<SiloAddress> _dead = [];
    private bool _seenFirst;

    /// <summary>Takes the next membership snapshot; returns whether this silo must wake the job managers now.</summary>
    /// <remarks>Deaths in the first snapshot are history this silo joined after: they wake nobody.</remarks>
    public bool Observe(IReadOnlyCollection<(SiloAddress Silo, SiloStatus Status)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var newlyDead = false;
        foreach (var (silo, status) in members)
        {
            newlyDead |= status == SiloStatus.Dead && _dead.Add(silo);
        }

        var first = !_seenFirst;
        _seenFirst = true;
        if (first || !newlyDead)
        {
            return false;
        }

        var waker = members.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Silo)
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)
            .FirstOrDefault();
        return self.Equals(waker);
    }
}
