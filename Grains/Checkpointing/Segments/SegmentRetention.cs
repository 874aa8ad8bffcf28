using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// Which snapshot segments the checkpoint coordinator deletes, as Flink's SharedStateRegistry decides which shared
/// state to discard: a segment lives while a retained checkpoint, a savepoint or a checkpoint in progress names it. A
/// job deletes only its own segments (a job restored from a savepoint names the segments of the job that took it).
/// </summary>
internal static class SegmentRetention
{
    /// <summary>The segments some task records name.</summary>
    public static IEnumerable<SegmentRef> NamedBy(IEnumerable<TaskSnapshot> tasks) => tasks.SelectMany(t => t.KeyedState ?? []);

    /// <summary>The segments of <paramref name="jobId"/> among <paramref name="candidates"/> that no live record names, each once.</summary>
    public static List<SegmentRef> Deletable(string jobId, IEnumerable<SegmentRef> candidates, IEnumerable<SegmentRef> live)
    {
        var kept = live.Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        return [.. candidates.Where(s => s.JobId == jobId && kept.Add(s.StorageKey))];
    }

    /// <summary>
    /// Why a subtask's record for checkpoint <paramref name="checkpointId"/> cannot complete, or null when it can: it
    /// names a delta of an earlier checkpoint that no live record names any more. That happens when the subtask took
    /// the barrier before it heard that a later checkpoint than the one its chain extends had completed; the coordinator
    /// may have deleted that chain's deltas since.
    /// </summary>
    public static string? StaleChain(long checkpointId, TaskSnapshot record, IEnumerable<SegmentRef> live)
    {
        ArgumentNullException.ThrowIfNull(record);
        var named = live.Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        var stale = (record.KeyedState ?? []).FirstOrDefault(s => !s.Full && s.CheckpointId != checkpointId && !named.Contains(s.StorageKey));
        return stale is null
            ? null
            : $"its keyed state chain names the delta of checkpoint {stale.CheckpointId} (subtask {stale.Subtask}), which no retained checkpoint holds any more";
    }

    /// <summary>
    /// The open full segments (written or being written, not yet the base of a completed checkpoint) that
    /// <paramref name="completed"/>'s records supersede: a subtask never names a full segment older than the one its
    /// completed chain is based on.
    /// </summary>
    public static List<SegmentRef> Superseded(IEnumerable<SegmentRef> openFulls, IEnumerable<TaskSnapshot> completed)
    {
        var bases = completed.Select(t => t.KeyedState is { Count: > 0 } chain && chain[0].Full ? chain[0] : null)
            .OfType<SegmentRef>()
            .ToDictionary(s => (s.OperatorId, s.Subtask));
        return [.. openFulls.Where(f => bases.TryGetValue((f.OperatorId, f.Subtask), out var @base) && f.CheckpointId <= @base.CheckpointId)];
    }

    /// <summary>
    /// The storage keys of every segment (delta and full) the keyed subtasks of an attempt may have written for the
    /// checkpoints after <paramref name="after"/> up to <paramref name="upTo"/>: what an ended attempt may have left behind.
    /// </summary>
    public static IEnumerable<string> KeysOf(string jobId, IEnumerable<(int OperatorId, int Parallelism)> keyed, int attempt, long after, long upTo)
    {
        foreach (var (operatorId, parallelism) in keyed)
        {
            for (var subtask = 0; subtask < parallelism; subtask++)
            {
                for (var id = after + 1; id <= upTo; id++)
                {
                    yield return SegmentRef.Key(jobId, operatorId, subtask, attempt, id, full: false);
                    yield return SegmentRef.Key(jobId, operatorId, subtask, attempt, id, full: true);
                }
            }
        }
    }
}
