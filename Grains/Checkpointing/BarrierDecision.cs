namespace OrleansFlow.Checkpointing;

/// <summary>
/// What a task must do after a <see cref="BarrierAligner"/> event. Apply the parts in this order: decline and
/// forward a cancellation marker for each of <see cref="Aborted"/>; stop reading <see cref="BlockedChannel"/>
/// (buffer what follows on it); if <see cref="SnapshotCheckpointId"/> is set, snapshot and forward that barrier
/// before any further record; then resume <see cref="UnblockedChannels"/>, processing what was buffered on them first.
/// Decisions compare by value, lists included.
/// </summary>
internal sealed record BarrierDecision
{
    /// <summary>Nothing to do yet.</summary>
    public static BarrierDecision None { get; } = new();

    /// <summary>The event was for a checkpoint that is already completed, aborted or superseded; it was ignored.</summary>
    public static BarrierDecision Obsolete { get; } = new() { IsObsolete = true };

    /// <summary>Whether the event was ignored as obsolete.</summary>
    public bool IsObsolete { get; init; }

    /// <summary>Every input delivered this checkpoint's barrier (or ended): snapshot now and forward the barrier downstream.</summary>
    public long? SnapshotCheckpointId { get; init; }

    /// <summary>From the first barrier of the snapshotted checkpoint to the last (zero unless <see cref="SnapshotCheckpointId"/> is set).</summary>
    public TimeSpan AlignmentDuration { get; init; }

    /// <summary>Checkpoints this task gave up, oldest first.</summary>
    public IReadOnlyList<AbortedCheckpoint> Aborted { get; init; } = [];

    /// <summary>The channel that must stop delivering until alignment ends (exactly-once only), if any.</summary>
    public (int Vertex, int Subtask)? BlockedChannel { get; init; }

    /// <summary>Channels that were blocked and must be resumed.</summary>
    public IReadOnlyList<(int Vertex, int Subtask)> UnblockedChannels { get; init; } = [];

    /// <summary>Whether nothing is to be done (the event was recorded or ignored).</summary>
    public bool IsEmpty => SnapshotCheckpointId is null && Aborted.Count == 0 && BlockedChannel is null && UnblockedChannels.Count == 0;

    /// <inheritdoc/>
    public bool Equals(BarrierDecision? other) =>
        other is not null
        && IsObsolete == other.IsObsolete
        && SnapshotCheckpointId == other.SnapshotCheckpointId
        && AlignmentDuration == other.AlignmentDuration
        && BlockedChannel == other.BlockedChannel
        && Aborted.SequenceEqual(other.Aborted)
        && UnblockedChannels.SequenceEqual(other.UnblockedChannels);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsObsolete, SnapshotCheckpointId, BlockedChannel, Aborted.Count, UnblockedChannels.Count);
}
