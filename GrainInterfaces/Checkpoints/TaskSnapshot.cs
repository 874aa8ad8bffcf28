namespace OrleansFlow.Checkpoints;

/// <summary>
/// What one subtask recorded for a checkpoint, sent with its acknowledgement and kept by the coordinator with the
/// completed checkpoint. A keyed subtask's per-key state is in its snapshot segments, which this record names.
/// </summary>
/// <param name="SourcePosition">A source subtask's reader position at the barrier, or null for other subtasks.</param>
/// <param name="Watermarks">The last watermark each timestamp assigner of the chain emitted (by operator id); a
/// restored assigner never emits less, so lateness decisions after a restore are the ones a failure-free run makes.</param>
/// <param name="SinkStates">What each two-phase-commit sink writer of the chain sealed for the checkpoint (by operator id).</param>
/// <param name="KeyedStateBytes">Bytes of per-key state written for this checkpoint (its new segment).</param>
/// <param name="KeysWritten">How many keys the new segment holds.</param>
/// <param name="KeyedState">A keyed subtask's segment chain (the newest full segment, then the deltas after it,
/// oldest first), or null for a subtask without keyed state.</param>
/// <param name="Materializing">A full segment the subtask started writing at this barrier, in the background (not part
/// of this checkpoint; later checkpoints build on it once it is durable), so the coordinator can delete it if none does.</param>
[GenerateSerializer, Immutable, Alias("flow.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] long? SourcePosition,
    [property: Id(1)] Dictionary<int, long> Watermarks,
    [property: Id(2)] Dictionary<int, byte[]> SinkStates,
    [property: Id(4)] long KeyedStateBytes,
    [property: Id(5)] int KeysWritten,
    [property: Id(6)] List<SegmentRef>? KeyedState = null,
    [property: Id(7)] SegmentRef? Materializing = null)
{
    /// <summary>Bytes written for this checkpoint: the new segment plus this record.</summary>
    public long ApproximateSize =>
        KeyedStateBytes + (SourcePosition is null ? 0 : 8) + (Watermarks.Count * 12L) + SinkStates.Values.Sum(s => 4L + s.Length) + ((KeyedState?.Count ?? 0) * 64L);

    /// <summary>The segments this record names that its own checkpoint wrote (the others belong to earlier checkpoints).</summary>
    public IEnumerable<SegmentRef> SegmentsOf(long checkpointId) => (KeyedState ?? []).Where(s => s.CheckpointId == checkpointId);
}
