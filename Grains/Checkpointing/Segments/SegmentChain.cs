using OrleansFlow.Checkpoints;

namespace OrleansFlow.Checkpointing.Segments;

/// <summary>
/// Which snapshot segments a keyed subtask's checkpoints name, and when it materializes: Flink's changelog state
/// backend in small. Each checkpoint writes one delta (the keys changed since the chain it extends) and names the chain
/// of the latest completed checkpoint plus that delta. When the deltas of the chain add up to more than the state
/// itself twice over (a restore would read three times the state), a full segment of every key is written in the background
/// (materialization); once it is durable, later checkpoints name it plus one delta of the keys changed since its
/// barrier, and the old chain can go. The first checkpoint of a job that restored nothing holds every key, so it is a
/// full segment itself.
/// </summary>
internal sealed class SegmentChain
{
    /// <summary>Deltas in a chain before it is materialized whatever their size (a restore reads every one).</summary>
    public const int MaxDeltas = 32;

    /// <summary>Deltas smaller than this in total never cause a materialization on size alone.</summary>
    public const long MinMaterializedBytes = 4L << 20;

    private readonly Dictionary<long, IReadOnlyList<SegmentRef>> _acknowledged = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _materializedAt;

    /// <summary>
    /// A chain restored from checkpoint <paramref name="restoredCheckpointId"/> (empty for none), writing a full segment
    /// at least every <paramref name="materializationInterval"/> of <paramref name="time"/>.
    /// </summary>
    public SegmentChain(IReadOnlyList<SegmentRef> restored, long restoredCheckpointId, TimeSpan materializationInterval, TimeProvider time)
    {
        Confirmed = restored;
        ConfirmedBarrier = restoredCheckpointId;
        _interval = materializationInterval;
        _time = time;
        _materializedAt = time.GetTimestamp();
    }

    /// <summary>The chain of the latest completed checkpoint this subtask knows of.</summary>
    public IReadOnlyList<SegmentRef> Confirmed { get; private set; }

    /// <summary>The checkpoint whose state <see cref="Confirmed"/> holds.</summary>
    public long ConfirmedBarrier { get; private set; }

    /// <summary>A durable full segment that <see cref="Confirmed"/> is not based on yet; the next checkpoints build on it.</summary>
    public SegmentRef? Materialized { get; private set; }

    /// <summary>Whether a checkpoint this subtask acknowledged names <see cref="Materialized"/> (so a coordinator may retain it).</summary>
    public bool MaterializedIsNamed { get; private set; }

    /// <summary>The barrier of a materialization being written, if one is.</summary>
    public long? MaterializingAt { get; private set; }

    /// <summary>
    /// What the next checkpoint's delta extends: the newest durable full segment (when the confirmed chain is not based
    /// on it yet) or the confirmed chain; and the barrier after which every change must be in the delta.
    /// </summary>
    public (IReadOnlyList<SegmentRef> Base, long Since) NextBase() =>
        Materialized is { } full ? ([full], full.CheckpointId) : (Confirmed, ConfirmedBarrier);

    /// <summary>Changes after this barrier may still be needed by a delta (of the next base, or of a materialization in progress).</summary>
    public long TrackChangesAfter => Math.Min(NextBase().Since, MaterializingAt ?? long.MaxValue);

    /// <summary>Whether a delta on an empty base holds every key (the first checkpoint of a job that restored nothing).</summary>
    public static bool IsFull(IReadOnlyList<SegmentRef> @base) => @base.Count == 0;

    /// <summary>
    /// Whether to start writing a full segment at this barrier: none is being written, the next checkpoint would build on
    /// deltas, and they hold more than twice the state (<paramref name="stateBytes"/>; at least
    /// <see cref="MinMaterializedBytes"/>), or there are <see cref="MaxDeltas"/> of them, or the last full segment was
    /// started a materialization interval ago.
    /// </summary>
    public bool ShouldMaterialize(long stateBytes)
    {
        if (MaterializingAt is not null)
        {
            return false;
        }

        var deltas = NextBase().Base.Where(s => !s.Full).ToList();
        return deltas.Count > 0
            && (deltas.Count >= MaxDeltas
                || deltas.Sum(s => s.Bytes) >= Math.Max(2 * stateBytes, MinMaterializedBytes)
                || _time.GetElapsedTime(_materializedAt) >= _interval);
    }

    /// <summary>A full segment starts being written from the state at <paramref name="barrier"/>.</summary>
    public void OnMaterializing(long barrier)
    {
        MaterializingAt = barrier;
        _materializedAt = _time.GetTimestamp();
    }

    /// <summary>
    /// The full segment is durable: later checkpoints build on it. Returns false when it came too late to be of use (the
    /// confirmed chain is already based on a full segment as new), so nothing will ever name it.
    /// </summary>
    public bool OnMaterialized(SegmentRef full)
    {
        ArgumentNullException.ThrowIfNull(full);
        MaterializingAt = null;
        if ((Confirmed.Count > 0 && Confirmed[0].Full && Confirmed[0].CheckpointId >= full.CheckpointId)
            || (Materialized is { } newer && newer.CheckpointId >= full.CheckpointId))
        {
            return false;
        }

        Materialized = full;
        MaterializedIsNamed = false;
        return true;
    }

    /// <summary>Writing the full segment failed: the chain goes on as it was (and may try again later).</summary>
    public void OnMaterializationFailed() => MaterializingAt = null;

    /// <summary>Checkpoint <paramref name="checkpointId"/> wrote <paramref name="delta"/> on <paramref name="base"/>: the chain it names.</summary>
    public IReadOnlyList<SegmentRef> Acknowledge(long checkpointId, IReadOnlyList<SegmentRef> @base, SegmentRef delta)
    {
        ArgumentNullException.ThrowIfNull(@base);
        ArgumentNullException.ThrowIfNull(delta);
        IReadOnlyList<SegmentRef> chain = [.. @base, delta];
        _acknowledged[checkpointId] = chain;
        MaterializedIsNamed |= Materialized is { } full && chain[0].SameSegment(full);
        return chain;
    }

    /// <summary>
    /// A checkpoint completed: its chain is confirmed (the one the coordinator kept, <paramref name="confirmed"/>, which
    /// may differ from the one this subtask acknowledged when the coordinator had to rebase it; else the acknowledged
    /// one), and chains of earlier checkpoints are no longer needed (they completed or never will).
    /// </summary>
    public void OnCompleted(long checkpointId, IReadOnlyList<SegmentRef>? confirmed = null)
    {
        if ((confirmed is { Count: > 0 } ? confirmed : _acknowledged.GetValueOrDefault(checkpointId)) is { } chain && checkpointId > ConfirmedBarrier)
        {
            Confirmed = chain;
            ConfirmedBarrier = checkpointId;
            if (Materialized is { } full && chain[0].SameSegment(full))
            {
                Materialized = null;
            }
        }

        foreach (var id in _acknowledged.Keys.Where(id => id <= checkpointId).ToList())
        {
            _acknowledged.Remove(id);
        }
    }
}
