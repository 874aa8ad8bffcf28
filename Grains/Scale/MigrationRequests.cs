namespace OrleansFlow.Scale;

/// <summary>
/// Which of a draining silo's grains to ask to migrate now (<see cref="SiloDrain"/>): every grain seen on the silo for
/// the first time (one activated after the drain began: a job's coordinator, job manager or channel queue that a call
/// brought back here while the silo was still an active member), and every grain still here a while after it was
/// asked (its migration failed, or went to a silo that has begun to stop itself).
/// </summary>
internal sealed class MigrationRequests(TimeSpan askAgainAfter)
{
    private readonly Dictionary<GrainId, TimeSpan> _asked = [];

    /// <summary>How many distinct grains have been asked to migrate.</summary>
    public int Asked { get; private set; }

    /// <summary>
    /// The grains of <paramref name="local"/> (the silo's grains now) to ask at <paramref name="now"/> (time since the
    /// drain began); records them as asked. Grains no longer on the silo are forgotten.
    /// </summary>
    public List<GrainId> Due(IReadOnlyCollection<GrainId> local, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(local);
        var present = local.ToHashSet();
        foreach (var gone in _asked.Keys.Where(g => !present.Contains(g)).ToList())
        {
            _asked.Remove(gone);
        }

        var due = new List<GrainId>();
        foreach (var grain in present)
        {
            if (_asked.TryGetValue(grain, out var at))
            {
                if (now - at < askAgainAfter)
                {
                    continue;
                }
            }
            else
            {
                Asked++;
            }

            _asked[grain] = now;
            due.Add(grain);
        }

        return due;
    }

    /// <summary>A one-line account of grains that stayed: how many of each type, and a few of them.</summary>
    public static string Describe(IReadOnlyCollection<GrainId> grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var byType = grains.GroupBy(g => g.Type.ToString()!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}");
        var examples = grains.Select(g => g.ToString()).Order(StringComparer.Ordinal).Take(3);
        return $"{string.Join(", ", byType)} (e.g. {string.Join(", ", examples)})";
    }
}
