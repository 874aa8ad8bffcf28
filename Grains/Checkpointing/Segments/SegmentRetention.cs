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
    /// The record to keep for a subtask's acknowledgement of checkpoint <paramref name="checkpointId"/>: as it is when
    /// every segment its chain names is still stored (written for this checkpoint, named by a live record, or a full
    /// segment newer than the one the subtask's latest retained record is based on); else its delta on the chain of
    /// that retained record (<paramref name="retainedId"/>, <paramref name="retained"/>), which is as good a base when it
    /// is at or after the checkpoint the delta holds every change since. That happens when the subtask took the barrier
    /// before it heard that a later checkpoint than the one its chain extends had completed, so the coordinator may have
    /// deleted that chain's older segments. Null when neither works (the checkpoint must fail).
    /// </summary>
    public static TaskSnapshot? Rebase(long checkpointId, TaskSnapshot record, IEnumerable<SegmentRef> live, long retainedId, TaskSnapshot? retained)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.KeyedState is not { Count: > 0 } chain)
        {
            return record;
        }

        var named = live.Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        var newestRetainedFull = retained?.KeyedState?.FirstOrDefault(s => s.Full)?.CheckpointId ?? long.MinValue;
        if (chain.All(s => s.CheckpointId == checkpointId || named.Contains(s.StorageKey) || (s.Full && s.CheckpointId > newestRetainedFull)))
        {
            return record;
        }

        var delta = chain[^1];
        return delta.CheckpointId == checkpointId && !delta.Full && retained?.KeyedState is { Count: > 0 } confirmed && retainedId >= delta.Since
            ? record with { KeyedState = [.. confirmed, delta] }
            : null;
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
