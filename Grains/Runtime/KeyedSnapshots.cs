using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Keyed;

namespace OrleansFlow.Runtime;

/// <summary>
/// The checkpoint side of a keyed subtask. At a barrier (every record before it processed) it has every key called
/// since the previous barrier copy its state, keeps the copies in its <see cref="KeyTable"/>, and writes one snapshot
/// segment in the background: the keys changed since the chain it extends (<see cref="SegmentChain"/>). From time to
/// time it also writes a full segment of every key in the background (materialization). Records after the barrier are
/// processed while the segments are written.
/// </summary>
internal sealed class KeyedSnapshots(KeyTable table, SegmentStore store, SegmentChain chain, TaskAddress address, int operatorId, Action<Exception> onMaterializationFailed)
{
    private readonly List<KeyEntry> _changed = [];
    private readonly List<(long Barrier, KeyEntry[] Keys)> _changes = [];

    /// <summary>The chain of segments (for the coordinator's record of the restored checkpoint and for tests).</summary>
    public SegmentChain Chain => chain;

    /// <summary>A key was called: its live state may differ from the copy the table holds.</summary>
    public void OnCalled(KeyEntry entry)
    {
        entry.SnapshotIsCurrent = false;
        if (!entry.Changed)
        {
            entry.Changed = true;
            _changed.Add(entry);
        }
    }

    /// <summary>
    /// Barrier <paramref name="checkpointId"/>: copies the state of every key changed since the previous barrier (in
    /// chunks of concurrent calls), then starts writing the checkpoint's delta and, when due, a materialization.
    /// Returns once the copies are taken, with a task that completes when the delta is durable.
    /// </summary>
    /// <exception cref="KeyedStateLostException">A key's grain had lost its live state.</exception>
    public async Task<Task<KeyedCheckpoint>> CaptureAsync(long checkpointId, int attempt, string operatorName, CancellationToken cancellationToken)
    {
        var changed = _changed.ToArray();
        _changed.Clear();
        foreach (var chunk in changed.Where(e => !e.SnapshotIsCurrent && e.Grain is not null).Chunk(4096))
        {
            var copies = await Task.WhenAll(chunk.Select(e => e.Grain!.SnapshotAsync(attempt, cancellationToken).AsTask()));
            for (var i = 0; i < chunk.Length; i++)
            {
                if (copies[i].StateLost)
                {
                    throw KeyedStateLostException.For(chunk[i].KeyText, operatorName);
                }

                table.SetSnapshot(chunk[i], copies[i]);
            }
        }

        foreach (var entry in changed)
        {
            entry.Changed = false;
            table.RemoveIfEmpty(entry);
        }

        _changes.Add((checkpointId, changed));
        Console.Error.WriteLine($"TRACE {DateTime.UtcNow:HH:mm:ss.fff} cp {checkpointId} captured {changed.Length} keys");
        var (@base, since) = chain.NextBase();
        var delta = Delta(since);
        if (chain.ShouldMaterialize(table.StateBytes))
        {
            chain.OnMaterializing(checkpointId);
            _ = MaterializeAsync(checkpointId, attempt, table.Entries.Where(e => e.Snapshot?.Image is not null).Select(Item).ToArray(), cancellationToken);
        }

        var segment = new SegmentRef(address.JobId, operatorId, address.Subtask, attempt, checkpointId, SegmentChain.IsFull(@base), 0, 0, 0);
        return WriteAsync(checkpointId, @base, segment, delta, cancellationToken);
    }

    /// <summary>A checkpoint completed: its chain is confirmed, and changes before the oldest base still in use can be forgotten.</summary>
    public void OnCompleted(long checkpointId)
    {
        chain.OnCompleted(checkpointId);
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

    private static SegmentItem Item(KeyEntry entry) => new(entry.KeyText, entry.Key, entry.Snapshot);

    private async Task<KeyedCheckpoint> WriteAsync(long checkpointId, IReadOnlyList<SegmentRef> @base, SegmentRef segment, SegmentItem[] delta, CancellationToken cancellationToken)
    {
        var written = await store.WriteAsync(segment, delta, cancellationToken);
        return new KeyedCheckpoint(chain.Acknowledge(checkpointId, @base, written), written);
    }

    private async Task MaterializeAsync(long checkpointId, int attempt, SegmentItem[] items, CancellationToken cancellationToken)
    {
        try
        {
            var segment = new SegmentRef(address.JobId, operatorId, address.Subtask, attempt, checkpointId, Full: true, 0, 0, 0);
            var written = await store.WriteAsync(segment, items, cancellationToken);
            if (!chain.OnMaterialized(written))
            {
                await store.DeleteAsync(written, cancellationToken);
            }
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
