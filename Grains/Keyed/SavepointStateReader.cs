using Orleans.Storage;
using OrleansFlow.Jobs;

namespace OrleansFlow.Keyed;

/// <summary>
/// Reads one key's state as of a savepoint from the per-key grain state of the job that took it, through the same
/// grain storage provider (any grain id can be read), following the savepoint's lineage when that job's key holds no
/// version of its own (it did not change there, so its state came from the savepoint that job started from).
/// </summary>
internal sealed class SavepointStateReader(IGrainStorage storage)
{
    /// <summary>
    /// The key's version as of <paramref name="restore"/>'s savepoint for the operator with state uid
    /// <paramref name="uid"/>, or null when the savepoint holds none (the key had no state then).
    /// </summary>
    public async Task<KeySnapshotVersion?> ReadAsync(SavepointRestore restore, string uid, string key)
    {
        foreach (var origin in restore.Lineage)
        {
            if (!origin.KeyedOperators.TryGetValue(uid, out var originOperator))
            {
                return null;
            }

            var stored = new GrainState<KeySnapshotHistory>(new KeySnapshotHistory());
            var grainId = GrainId.Create(KeyedStateGrain.GrainTypeName, GrainKeys.KeyedState(origin.JobId, originOperator, key));
            await storage.ReadStateAsync(KeyedStateGrain.StateName, grainId, stored);
            var history = stored.State ?? new KeySnapshotHistory();

            // As if the job had restarted from the savepoint: versions of checkpoints that never completed go.
            history.RestoreTo(new KeyedAttempt(origin.Attempt + 1, [.. origin.RestorePoints.Take(origin.Attempt + 1), origin.CheckpointId]));
            if (history.At(origin.CheckpointId) is { } version)
            {
                return version;
            }
        }

        return null;
    }
}
