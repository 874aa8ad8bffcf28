namespace OrleansFlow.Keyed;

/// <summary>
/// The persisted versions of one key's state, one per checkpoint at which the key had changed (so checkpoints are
/// incremental: an unchanged key writes nothing). A restore to checkpoint c takes the newest version at or before c.
/// Versions no restore can need any more are dropped when the next one is written.
/// </summary>
[GenerateSerializer, Alias("flow.KeySnapshotHistory")]
internal sealed class KeySnapshotHistory
{
    [Id(0)]
    public List<KeySnapshotVersion> Versions { get; set; } = [];

    /// <summary>The newest version at or before a checkpoint, or null.</summary>
    public KeySnapshotVersion? At(long checkpointId) => Versions.LastOrDefault(v => v.CheckpointId <= checkpointId);

    /// <summary>
    /// Adds the version of a checkpoint (ids increase) and keeps only what a restore can still need: the newest version
    /// at or before the latest completed checkpoint, every version after it (their checkpoints may still complete),
    /// and the newest version at or before each pinned checkpoint (a savepoint, which a new job may restore any time).
    /// </summary>
    public void Add(KeySnapshotVersion version, long lastCompletedId, IReadOnlyCollection<long> pinned)
    {
        Versions.RemoveAll(v => v.CheckpointId >= version.CheckpointId);
        Versions.Add(version);
        var base_ = Versions.FindLastIndex(v => v.CheckpointId <= lastCompletedId);
        if (base_ <= 0)
        {
            return;
        }

        var keep = new HashSet<int>();
        foreach (var pin in pinned)
        {
            keep.Add(Versions.FindLastIndex(v => v.CheckpointId <= pin));
        }

        Versions = [.. Versions.Where((_, i) => i >= base_ || keep.Contains(i))];
    }

    /// <summary>The newest attempt that wrote a version, or -1 when there is none.</summary>
    public int NewestAttempt => Versions.Count == 0 ? -1 : Versions.Max(v => v.Attempt);

    /// <summary>
    /// Drops the versions that belong to checkpoints that never completed (see <see cref="KeyedAttempt.IsValid"/>).
    /// Versions <paramref name="attempt"/> itself wrote stay, even after its restored checkpoint: a grain activated
    /// again in the middle of an attempt (its silo died) finds them, and they may belong to completed checkpoints
    /// the next attempt restores.
    /// </summary>
    public void RestoreTo(KeyedAttempt attempt) =>
        Versions.RemoveAll(v => !attempt.IsValid(v.Attempt, v.CheckpointId));
}

/// <summary>One key's state as of one checkpoint, serialized.</summary>
/// <param name="CheckpointId">The checkpoint.</param>
/// <param name="Attempt">The job attempt that wrote it.</param>
/// <param name="Data">The serialized <c>KeyStateImage</c>.</param>
[GenerateSerializer, Immutable, Alias("flow.KeySnapshotVersion")]
internal sealed record KeySnapshotVersion([property: Id(0)] long CheckpointId, [property: Id(1)] int Attempt, [property: Id(2)] byte[] Data);
