namespace OrleansFlow.Keyed.Migration;

/// <summary>
/// How a per-key grain's snapshot write for one checkpoint ended, carried across a migration so that the subtask's
/// later <c>AwaitSnapshotAsync</c> on the new activation gets the same answer it would have had on the old one.
/// </summary>
/// <param name="CheckpointId">The checkpoint the write belongs to.</param>
/// <param name="Size">The bytes written (0 when the write was dropped because a newer attempt restored the key).</param>
/// <param name="Failure">Why the write failed or did not finish, or null when it succeeded.</param>
[GenerateSerializer, Immutable, Alias("flow.SnapshotWriteOutcome")]
internal sealed record SnapshotWriteOutcome(
    [property: Id(0)] long CheckpointId,
    [property: Id(1)] long Size,
    [property: Id(2)] string? Failure)
{
    /// <summary>The outcome of each write; a write still running counts as failed (its checkpoint is declined).</summary>
    public static SnapshotWriteOutcome[] Of(IReadOnlyDictionary<long, Task<long>> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return [.. writes.Select(w => w.Value.Status switch
        {
            TaskStatus.RanToCompletion => new SnapshotWriteOutcome(w.Key, w.Value.Result, null),
            TaskStatus.Faulted => new SnapshotWriteOutcome(w.Key, 0, w.Value.Exception!.GetBaseException().Message),
            _ => new SnapshotWriteOutcome(w.Key, 0, "the write had not finished when the key's grain migrated to another silo"),
        })];
    }

    /// <summary>The write's result as the task the subtask awaits.</summary>
    public Task<long> ToTask(string key) => Failure is null
        ? Task.FromResult(Size)
        : Task.FromException<long>(new InvalidOperationException($"Key {key}: the snapshot write for checkpoint {CheckpointId} failed before the key migrated: {Failure}"));
}
