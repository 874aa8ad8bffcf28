using OrleansFlow.Checkpoints;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The coordinator's part in keeping snapshot storage bounded (<see cref="SegmentRetention"/>): decides which segments
/// no checkpoint needs any more (those of checkpoints evicted beyond the retained count, of aborted checkpoints, of
/// full segments superseded before any checkpoint completed on them, and whatever an ended attempt may have left
/// behind) and hands them to an <see cref="ISegmentDeleter"/>.
/// </summary>
/// <param name="jobId">The job; it deletes only its own segments.</param>
/// <param name="state">The current persisted state (retained checkpoints, savepoint pins, open full segments).</param>
/// <param name="inProgress">The records of the checkpoints in progress, received so far.</param>
/// <param name="deleter">Deletes in the background.</param>
internal sealed class CheckpointSegmentCollector(
    string jobId, Func<CoordinatorState> state, Func<IEnumerable<TaskSnapshot>> inProgress, ISegmentDeleter deleter)
{
    /// <summary>Every segment a record still names: retained checkpoints, savepoints and the checkpoints in progress.</summary>
    public List<SegmentRef> LiveSegments()
    {
        var current = state();
        return
        [
            .. SegmentRetention.NamedBy(current.Retained.SelectMany(r => r.Tasks.Values)),
            .. current.Pinned,
            .. SegmentRetention.NamedBy(inProgress()),
        ];
    }

    /// <summary>A subtask announced a full segment it started writing: it stays open until a completed checkpoint is based on it or on a newer one.</summary>
    public void NoteMaterializing(TaskSnapshot snapshot)
    {
        var openFulls = state().OpenFulls;
        if (snapshot.Materializing is { } full && !openFulls.Exists(f => f.SameSegment(full)))
        {
            openFulls.Add(full);
        }
    }

    /// <summary>After a completion: deletes what the evicted checkpoints named and the full segments the new one supersedes.</summary>
    public void AfterCompletion(IEnumerable<RetainedCheckpoint> evicted, RetainedCheckpoint completed)
    {
        var openFulls = state().OpenFulls;
        var superseded = SegmentRetention.Superseded(openFulls, completed.Tasks.Values);
        openFulls.RemoveAll(f => superseded.Exists(s => s.SameSegment(f)));
        deleter.Delete(SegmentRetention.Deletable(jobId, [.. SegmentRetention.NamedBy(evicted.SelectMany(r => r.Tasks.Values)), .. superseded], LiveSegments()));
    }

    /// <summary>
    /// A checkpoint that will never complete: deletes the deltas written for it (its records' and, by name, those of the
    /// keyed subtasks that did not acknowledge it, which may be cut short or written later and acknowledged late).
    /// </summary>
    public void Aborted(JobPlan plan, long checkpointId, int attempt, IEnumerable<TaskSnapshot> acknowledged)
    {
        var records = acknowledged.ToList();
        foreach (var record in records)
        {
            NoteMaterializing(record);
        }

        deleter.Delete(SegmentRetention.Deletable(jobId, records.SelectMany(r => r.SegmentsOf(checkpointId)).Where(s => !s.Full), LiveSegments()));
        var written = records.SelectMany(r => r.SegmentsOf(checkpointId)).Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        deleter.DeleteKeys([.. SegmentRetention.KeysOf(jobId, KeyedOperators(plan), attempt, checkpointId - 1, checkpointId)
            .Where(k => !k.EndsWith('f') && !written.Contains(k))]);
    }

    /// <summary>
    /// An attempt ended: deletes what it may have left behind after the latest retained checkpoint (segments of the
    /// checkpoints it had in progress, by name) and the full segments it opened (<paramref name="openFulls"/>, taken
    /// from the state by the command that ended it) that no retained checkpoint names. Call it only once this
    /// activation owns the state.
    /// </summary>
    public void EndedAttempt(JobPlan plan, int attempt, IReadOnlyList<SegmentRef> openFulls)
    {
        var current = state();
        var after = current.Retained.Count == 0 ? CheckpointIds.None : current.Retained[^1].CheckpointId;
        var live = LiveSegments().Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        deleter.DeleteKeys([.. SegmentRetention.KeysOf(jobId, KeyedOperators(plan), attempt, after, current.LastId).Where(k => !live.Contains(k))]);
        deleter.Delete(SegmentRetention.Deletable(jobId, openFulls, LiveSegments()));
    }

    /// <summary>The job ended without keeping its checkpoints: deletes every segment they name (savepoints keep theirs).</summary>
    public void Discarded(IEnumerable<RetainedCheckpoint> discarded) =>
        deleter.Delete(SegmentRetention.Deletable(jobId, SegmentRetention.NamedBy(discarded.SelectMany(r => r.Tasks.Values)), state().Pinned));

    private static IEnumerable<(int OperatorId, int Parallelism)> KeyedOperators(JobPlan plan) =>
        plan.Vertices.Where(v => v.KeyedOperatorId is not null).Select(v => (v.KeyedOperatorId!.Value, v.Parallelism));
}
