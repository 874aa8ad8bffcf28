using OrleansFlow.Keyed;

namespace OrleansFlow.Checkpoints;

/// <summary>
/// What one subtask recorded for a checkpoint, sent with its acknowledgement and kept by the coordinator with the
/// completed checkpoint. Per-key state is not in here: per-key grains write it themselves through grain persistence.
/// </summary>
/// <param name="SourcePosition">A source subtask's reader position at the barrier, or null for other subtasks.</param>
/// <param name="Watermarks">The last watermark each timestamp assigner of the chain emitted (by operator id); a
/// restored assigner never emits less, so lateness decisions after a restore are the ones a failure-free run makes.</param>
/// <param name="SinkStates">What each two-phase-commit sink writer of the chain sealed for the checkpoint (by operator id).</param>
/// <param name="Timers">A keyed subtask's timer index: which keys have timers when.</param>
/// <param name="KeyedStateBytes">Bytes of per-key state written for this checkpoint (changed keys only).</param>
/// <param name="KeysWritten">How many keys wrote their state for this checkpoint.</param>
[GenerateSerializer, Immutable, Alias("flow.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] long? SourcePosition,
    [property: Id(1)] Dictionary<int, long> Watermarks,
    [property: Id(2)] Dictionary<int, byte[]> SinkStates,
    [property: Id(3)] List<TimerEntry> Timers,
    [property: Id(4)] long KeyedStateBytes,
    [property: Id(5)] int KeysWritten)
{
    /// <summary>Approximate size of this record plus the per-key state it accounts for, in bytes.</summary>
    public long ApproximateSize =>
        KeyedStateBytes + (SourcePosition is null ? 0 : 8) + (Watermarks.Count * 12L) + SinkStates.Values.Sum(s => 4L + s.Length) + (Timers.Count * 32L);
}

/// <summary>One timer of a key, as a keyed subtask's timer index holds it.</summary>
/// <param name="Time">When it fires (event time or epoch ms).</param>
/// <param name="Domain">Event or processing time.</param>
/// <param name="KeyText">The key's canonical text (its per-key grain).</param>
/// <param name="Key">The key itself.</param>
[GenerateSerializer, Immutable, Alias("flow.TimerEntry")]
public sealed record TimerEntry(
    [property: Id(0)] long Time,
    [property: Id(1)] TimeDomain Domain,
    [property: Id(2)] string KeyText,
    [property: Id(3)] object Key);
