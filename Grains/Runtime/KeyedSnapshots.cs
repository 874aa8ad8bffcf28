using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// The checkpoint side of a keyed subtask. Every answer of a per-key grain brings a copy of the key's state after the
/// call, which the <see cref="KeyTable"/> keeps, so at a barrier (every record before it processed) the subtask holds
/// every key's state as of the barrier without calling any key. It then writes one snapshot segment in the
/// background: the keys changed since the chain it extends (<see cref="SegmentChain"/>). From time to time it also
/// writes a full segment of every key in the background (materialization). Records after the barrier are processed
/// while the segments are written.
/// </summary>
internal sealed class KeyedSnapshots(KeyTable table, SegmentStore store, SegmentChain chain, TaskAddress address, int operatorId, Action<Exception> onMaterializationFailed)
    : IKeyedSnapshots
{
    private readonly List<KeyEntry> _changed = [];
    private readonly List<(long Barrier, KeyEntry[] Keys)> _changes = [];
    private (Task Write, CancellationTokenSource Cancel, SegmentRef Segment)? _materialization;

    /// <summary>The chain of segments (for the coordinator's record of the restored checkpoint and for tests).</summary>
    public SegmentChain Chain => chain;

    /// <summary>A key was called (its answer's state copy is in the table): it goes into the next checkpoint's delta.</summary>
    public void OnCalled(KeyEntry entry)
    {
        if (!entry.Changed)
        {
            entry.Changed = true;
            _changed.Add(entry);
        }
    }

    /// <summary>
    /// Barrier <paramref name="checkpointId"/>: takes the state copies of the keys changed since the chain's base and
    /// starts writing them as the checkpoint's delta (and, when due, a materialization). Returns at once, with a task
    /// that completes when the delta is durable.
    /// </summary>
    /// <exception cref="InvalidOperationException">A changed key has no copy of its current state (its grain ignored the subtask's calls).</exception>
    public (Task<KeyedCheckpoint> Delta, SegmentRef? Materializing) Capture(long checkpointId, int attempt, CancellationToken cancellationToken)
    {
        var changed = _changed.ToArray();
        _changed.Clear();
        foreach (var entry in changed)
        {
            if (!entry.ImageIsCurrent)
            {
                throw new InvalidOperationException($"Key '{entry.KeyText}' has no copy of its current state at checkpoint {checkpointId}: its grain did not answer this attempt's calls.");
            }

            entry.Changed = false;
            table.RemoveIfEmpty(entry);
        }

        _changes.Add((checkpointId, changed));
        var (@base, since) = chain.NextBase();
        var delta = Delta(since);
        SegmentRef? materializing = null;
        if (chain.ShouldMaterialize(table.StateBytes))
        {
            chain.OnMaterializing(checkpointId);
            materializing = new SegmentRef(address.JobId, operatorId, address.Subtask, attempt, checkpointId, Full: true, 0, 0, 0);
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _materialization = (MaterializeAsync(materializing, table.Entries.Where(e => e.HasState).Select(Item).ToArray(), cancel.Token), cancel, materializing);
        }

        var segment = new SegmentRef(address.JobId, operatorId, address.Subtask, attempt, checkpointId, SegmentChain.IsFull(@base), 0, 0, 0, Since: since);
        return (WriteAsync(checkpointId, @base, segment, delta, cancellationToken), materializing);
    }

    /// <summary>
    /// The subtask reached the end of its input or was cancelled: no later checkpoint will build on a full segment that
    /// no acknowledged checkpoint names yet, so its write (if it is still being written) is stopped and it is deleted.
    /// </summary>
    public async Task AbandonMaterializationAsync()
    {
        if (_materialization is { } open && chain.MaterializingAt is not null)
        {
            await open.Cancel.CancelAsync();
            await open.Write;
            await store.DeleteIfPresentAsync(open.Segment.StorageKey, CancellationToken.None);
        }
        else if (chain.Materialized is { } unnamed && !chain.MaterializedIsNamed)
        {
            await store.DeleteAsync(unnamed, CancellationToken.None);
        }
    }

    /// <summary>The subtask will not acknowledge checkpoint <paramref name="checkpointId"/> (it was cancelled): its delta, written or cut short, goes.</summary>
    public Task DiscardAsync(long checkpointId, int attempt) =>
        store.DeleteIfPresentAsync(SegmentRef.Key(address.JobId, operatorId, address.Subtask, attempt, checkpointId, full: false), CancellationToken.None);

    /// <summary>
    /// A checkpoint completed, its record naming <paramref name="confirmed"/> (when the coordinator says): that chain
    /// is confirmed, and changes before the oldest base still in use can be forgotten.
    /// </summary>
    public void OnCompleted(long checkpointId, IReadOnlyList<SegmentRef>? confirmed)
    {
        chain.OnCompleted(checkpointId, confirmed);
        var after = chain.TrackChangesAfter;
        _changes.RemoveAll(c => c.Barrier <= after);
    }

    /// <summary>The keys changed after barrier <paramref name="since"/> with their state now (a removal for a key with none), each once.</summary>
    private SegmentItem[] Delta(long since)
    {
        var keys = new Dictionary<string, KeyEntry>(StringComparer.Ordinal);
        foreach (var (barrier, entries) in _changes)
        {
            if (barrier > since)
            {
                foreach (var entry in entries)
                {
                    keys[entry.KeyText] = entry;
                }
            }
        }

        return [.. keys.Values.Select(Item)];
    }

    private static SegmentItem Item(KeyEntry entry) => new(entry.KeyText, entry.Key, entry.Image);

    private async Task<KeyedCheckpoint> WriteAsync(long checkpointId, IReadOnlyList<SegmentRef> @base, SegmentRef segment, SegmentItem[] delta, CancellationToken cancellationToken)
    {
        var written = await store.WriteAsync(segment, delta, cancellationToken);
        return new KeyedCheckpoint(chain.Acknowledge(checkpointId, @base, written), written);
    }

    private async Task MaterializeAsync(SegmentRef segment, SegmentItem[] items, CancellationToken cancellationToken)
    {
        try
        {
            var written = await store.WriteAsync(segment, items, cancellationToken);
            if (!chain.OnMaterialized(written))
            {
                await store.DeleteAsync(written, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            chain.OnMaterializationFailed();
        }
        catch (Exception e)
        {
            chain.OnMaterializationFailed();
            onMaterializationFailed(e);
        }
    }
}

/// <summary>A keyed subtask's part of a checkpoint: the chain of segments its state is in, and the delta it wrote.</summary>
/// <param name="Chain">The segments, oldest first.</param>
/// <param name="Written">The segment written for this checkpoint.</param>
internal sealed record KeyedCheckpoint(IReadOnlyList<SegmentRef> Chain, SegmentRef Written);
