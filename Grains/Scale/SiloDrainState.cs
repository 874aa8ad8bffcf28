namespace OrleansFlow.Scale;

/// <summary>
/// Whether this silo is draining (<see cref="SiloDrain"/>), and where its per-key grains go. From the start of the
/// drain until the process ends, a per-key grain activated here (a call of a job's new attempt while this silo was
/// still an active member that Orleans placed here) migrates away at once, so the silo's stop cannot end it with its
/// live state.
/// </summary>
internal sealed class SiloDrainState
{
    private SiloAddress[]? _targets;
    private int _next;

    /// <summary>Whether the drain has begun.</summary>
    public bool IsDraining => Volatile.Read(ref _targets) is not null;

    /// <summary>Marks the silo as draining towards <paramref name="targets"/> (the other active silos).</summary>
    public void Begin(SiloAddress[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length > 0)
        {
            Volatile.Write(ref _targets, targets);
        }
    }

    /// <summary>The next target silo (round-robin), or null when the silo is not draining.</summary>
    public SiloAddress? NextTarget()
    {
        var targets = Volatile.Read(ref _targets);
        return targets is null ? null : targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Length)];
    }
}
