using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// The coordinator's part in keeping snapshot storage bounded (<see cref="SegmentRetention"/>): segments of checkpoints
/// evicted beyond the retained count, of aborted checkpoints, of full segments superseded before any checkpoint
/// completed on them, and whatever an ended attempt may have left behind are deleted in the background, one deletion
/// after another; stopping waits for them.
/// </summary>
internal sealed partial class CheckpointCoordinatorGrain
{
    private Task _deletions = Task.CompletedTask;

    /// <summary>Every segment a record still names: retained checkpoints, savepoints and the checkpoints in progress.</summary>
    private List<SegmentRef> LiveSegments() =>
    [
        .. SegmentRetention.NamedBy(state.State.Retained.SelectMany(r => r.Tasks.Values)),
        .. state.State.Pinned,
        .. SegmentRetention.NamedBy(_pending.Values.SelectMany(p => p.Tasks.Values)),
    ];

    /// <summary>A subtask announced a full segment it started writing: it stays open until a completed checkpoint is based on it or on a newer one.</summary>
    private void NoteMaterializing(TaskSnapshot snapshot)
    {
        if (snapshot.Materializing is { } full && !state.State.OpenFulls.Exists(f => f.SameSegment(full)))
        {
            state.State.OpenFulls.Add(full);
        }
    }

    /// <summary>After a completion: deletes what the evicted checkpoints named and the full segments the new one supersedes.</summary>
    private void CollectAfterCompletion(IEnumerable<RetainedCheckpoint> evicted, RetainedCheckpoint completed)
    {
        var superseded = SegmentRetention.Superseded(state.State.OpenFulls, completed.Tasks.Values);
        state.State.OpenFulls.RemoveAll(f => superseded.Exists(s => s.SameSegment(f)));
        Delete(SegmentRetention.Deletable(JobId, [.. SegmentRetention.NamedBy(evicted.SelectMany(r => r.Tasks.Values)), .. superseded], LiveSegments()));
    }

    /// <summary>
    /// A checkpoint that will never complete: deletes the deltas written for it (its records' and, by name, those of the
    /// keyed subtasks that did not acknowledge it, which may be cut short or written later and acknowledged late).
    /// </summary>
    private void CollectAborted(long checkpointId, int attempt, IEnumerable<TaskSnapshot> acknowledged)
    {
        var records = acknowledged.ToList();
        foreach (var record in records)
        {
            NoteMaterializing(record);
        }

        Delete(SegmentRetention.Deletable(JobId, records.SelectMany(r => r.SegmentsOf(checkpointId)).Where(s => !s.Full), LiveSegments()));
        var written = records.SelectMany(r => r.SegmentsOf(checkpointId)).Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        DeleteByKey(SegmentRetention.KeysOf(JobId, KeyedOperators(), attempt, checkpointId - 1, checkpointId)
            .Where(k => !k.EndsWith('f') && !written.Contains(k)));
    }

    /// <summary>
    /// An attempt ended: deletes what it may have left behind after the latest retained checkpoint (segments of the
    /// checkpoints it had in progress, by name) and the full segments it opened (<paramref name="openFulls"/>, by
    /// default the state's) that no retained checkpoint names. Call it only once this activation owns the state.
    /// </summary>
    private void CollectEndedAttempt(int attempt, List<SegmentRef>? openFulls = null)
    {
        if (attempt < 0 || _submission is null)
        {
            return;
        }

        var after = state.State.Retained.Count == 0 ? CheckpointIds.None : state.State.Retained[^1].CheckpointId;
        var live = LiveSegments().Select(s => s.StorageKey).ToHashSet(StringComparer.Ordinal);
        DeleteByKey(SegmentRetention.KeysOf(JobId, KeyedOperators(), attempt, after, state.State.LastId).Where(k => !live.Contains(k)));
        Delete(SegmentRetention.Deletable(JobId, openFulls ?? state.State.OpenFulls, LiveSegments()));
        if (openFulls is null)
        {
            state.State.OpenFulls.Clear();
        }
    }

    /// <summary>The job ended without keeping its checkpoints: deletes every segment they name (savepoints keep theirs).</summary>
    private void CollectDiscarded(IEnumerable<RetainedCheckpoint> discarded) =>
        Delete(SegmentRetention.Deletable(JobId, SegmentRetention.NamedBy(discarded.SelectMany(r => r.Tasks.Values)), state.State.Pinned));

    private IEnumerable<(int OperatorId, int Parallelism)> KeyedOperators() =>
        _submission!.Plan.Vertices.Where(v => v.KeyedOperatorId is not null).Select(v => (v.KeyedOperatorId!.Value, v.Parallelism));

    private void Delete(List<SegmentRef> segments)
    {
        if (segments.Count > 0)
        {
            Chain(async () =>
            {
                foreach (var segment in segments)
                {
                    await Segments.DeleteAsync(segment, CancellationToken.None);
                }
            });
        }
    }

    private void DeleteByKey(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        if (list.Count > 0)
        {
            Chain(async () =>
            {
                foreach (var key in list)
                {
                    await Segments.DeleteIfPresentAsync(key, CancellationToken.None);
                }
            });
        }
    }

    /// <summary>Runs a deletion after the ones before it; a failure is logged (the segment stays behind), never thrown.</summary>
    private void Chain(Func<Task> deletion)
    {
        var previous = _deletions;
        _deletions = RunAsync();

        async Task RunAsync()
        {
            await previous;
            try
            {
                await deletion();
            }
            catch (Exception e)
            {
                Log.SegmentDeletionFailed(logger, e, JobId);
            }
        }
    }
}
