using System.Collections.Concurrent;
using OrleansFlow.Metrics;

namespace OrleansFlow.Silo.Web;

/// <summary>
/// Turns the counters of successive samples of a job into per-second rates, per vertex. Counters restart with every
/// attempt, so a sample of another attempt (or the first one) gives no rate.
/// </summary>
internal sealed class JobRateTracker
{
    /// <summary>Samples closer together than this keep the rates of the last interval (a busy page polls often).</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (Sample Sample, IReadOnlyDictionary<int, VertexRates> Rates)> _previous = new(StringComparer.Ordinal);

    /// <summary>
    /// Records <paramref name="details"/> and returns the rates per vertex since the job's previous sample, or the last
    /// rates when that sample is less than <see cref="MinInterval"/> old.
    /// </summary>
    public IReadOnlyDictionary<int, VertexRates> Update(JobDetails details)
    {
        var current = new Sample(details.Status.Attempt, details.SampledAt, details.Vertices.ToDictionary(v => v.VertexId));
        var previous = _previous.TryGetValue(details.Status.JobId, out var p) ? p.Sample : null;
        if (previous is not null && previous.Attempt == current.Attempt && current.At - previous.At < MinInterval)
        {
            return p.Rates;
        }

        var rates = Rates(previous, current);
        _previous[details.Status.JobId] = (current, rates);
        return rates;
    }

    private static Dictionary<int, VertexRates> Rates(Sample? previous, Sample current)
    {
        var seconds = previous is null ? 0 : (current.At - previous.At).TotalSeconds;
        var rates = new Dictionary<int, VertexRates>();
        foreach (var (vertex, now) in current.Vertices)
        {
            if (previous is null || previous.Attempt != current.Attempt || seconds <= 0 || !previous.Vertices.TryGetValue(vertex, out var before))
            {
                continue;
            }

            rates[vertex] = new VertexRates(
                Math.Max(0, now.RecordsIn - before.RecordsIn) / seconds,
                Math.Max(0, now.RecordsOut - before.RecordsOut) / seconds,
                Math.Max(0, now.BackPressuredMs - before.BackPressuredMs) / seconds);
        }

        return rates;
    }

    private sealed record Sample(int Attempt, DateTimeOffset At, Dictionary<int, VertexDetails> Vertices);
}

/// <summary>Per-second rates of one vertex between two samples.</summary>
/// <param name="RecordsInPerSecond">Records taken from input per second, summed over subtasks.</param>
/// <param name="RecordsOutPerSecond">Records sent per second, summed over subtasks.</param>
/// <param name="BackPressuredMsPerSecond">Milliseconds per second spent waiting for credits, summed over subtasks (up to 1000 per subtask).</param>
internal sealed record VertexRates(double RecordsInPerSecond, double RecordsOutPerSecond, double BackPressuredMsPerSecond);
