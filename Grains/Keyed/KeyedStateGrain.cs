using Microsoft.Extensions.DependencyInjection;
using Orleans.Core;
using Orleans.Placement;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Runtime;
using OrleansFlow.State;

namespace OrleansFlow.Keyed;

/// <summary>
/// The state of one key of a keyed operator. Placed on the silo of the subtask that first calls it, so a key's
/// records usually stay on one silo, and kept active while the cluster runs (its live state is in memory).
/// At a checkpoint barrier it copies its state and writes the copy through grain persistence (the storage provider
/// named <see cref="FlowNames.CheckpointStorage"/>) while it goes on processing. A call of a newer job attempt
/// first puts the state back as of the checkpoint that attempt restored; calls of an older attempt are ignored.
/// In a job started from a savepoint, a key with no version of its own at the restored checkpoint reads the
/// savepoint's version from the per-key grain state of the job that took it (<see cref="SavepointStateReader"/>).
/// </summary>
[GrainType(KeyedStateGrain.GrainTypeName)]
[PreferLocalPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed partial class KeyedStateGrain(
    JobGraphCache graphs,
    Serializer serializer,
    [FromKeyedServices(FlowNames.CheckpointStorage)] IGrainStorage storage) : Grain, IKeyedStateGrain
{
    /// <summary>The grain type (part of every per-key grain id).</summary>
    public const string GrainTypeName = "flow.keyed";

    /// <summary>The name of the persisted version history.</summary>
    public const string StateName = "keyed";

    private KeyedStateStore _store = new();
    private KeyTimers _timers = new();
    private IKeyedOperator? _operator;
    private KeyedAttempt? _attempt;
    private bool _fresh;
    private Task _lastWrite = Task.CompletedTask;
    private readonly Dictionary<long, Task<long>> _writes = [];
    private StateStorageBridge<KeySnapshotHistory>? _history;
    private bool _historyLoaded;

    /// <summary>
    /// The persisted version history (state <see cref="StateName"/> in <see cref="FlowNames.CheckpointStorage"/>), read
    /// on first need rather than at activation: a key of a job's first attempt that restored nothing starts empty
    /// whatever its history holds, so its history is read only before its first write. Reading the state of every key
    /// at activation stalled a job's first flush (10,000 keys: ~0.8 s). An activation that moved to another silo reads
    /// it again from storage, which holds every version written.
    /// </summary>
    private StateStorageBridge<KeySnapshotHistory> History => _history ??= new(StateName, GrainContext, storage);

    public ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, KeyedAttempt attempt, CancellationToken cancellationToken) =>
        IsCurrent(attempt) && _operator is { } op && !_fresh
            ? ValueTask.FromResult(op.Process(_store, _timers, input))
            : ProcessSlowAsync(input, attempt, cancellationToken);

    public async ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, KeyedAttempt attempt, CancellationToken cancellationToken) =>
        await AcceptAsync(attempt, cancellationToken) ? MarkFresh((await ResolveAsync(cancellationToken)).FireTimers(_store, _timers, input)) : KeyedOutput.Empty;

    public async ValueTask<bool> BeginSnapshotAsync(long checkpointId, long lastCompletedId, long[] pinnedCheckpoints, KeyedAttempt attempt, CancellationToken cancellationToken)
    {
        if (!await AcceptAsync(attempt, cancellationToken))
        {
            return false;
        }

        var fresh = _fresh;
        _fresh = false;
        // The copy is taken now, between two calls, so it holds exactly the records before the barrier.
        var data = serializer.SerializeToArray(_store.Export(_timers));
        var previous = _lastWrite;
        var write = WriteAsync(previous, new KeySnapshotVersion(checkpointId, attempt.Number, data), lastCompletedId, pinnedCheckpoints);
        _writes[checkpointId] = write;
        _lastWrite = write;
        return fresh;
    }

    public async Task<long> AwaitSnapshotAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (!_writes.Remove(checkpointId, out var write))
        {
            throw new InvalidOperationException($"Key {this.GetPrimaryKeyString()} has no snapshot in progress for checkpoint {checkpointId}.");
        }

        return await write;
    }

    public Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken) =>
        Task.FromResult(_store.TryGet(stateName, out var value) ? StateValues.Unwrap(value) : null);

    public Task<IReadOnlyDictionary<string, string?>> GetStateTextAsync(CancellationToken cancellationToken)
    {
        var text = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in _store.Names)
        {
            text[name] = _store.TryGet(name, out var value) ? Jobs.StateText.Render(StateValues.Unwrap(value)) : null;
        }

        return Task.FromResult<IReadOnlyDictionary<string, string?>>(text);
    }

    private bool IsCurrent(KeyedAttempt attempt) => _attempt is { } current && current.Number == attempt.Number;

    /// <summary>
    /// Whether a call of <paramref name="attempt"/> may run. The first call of an activation, or of a newer attempt,
    /// puts the state back as of the attempt's restored checkpoint (empty when there is none).
    /// </summary>
    private ValueTask<bool> AcceptAsync(KeyedAttempt attempt, CancellationToken cancellationToken)
    {
        if (_attempt is { } current)
        {
            if (attempt.Number == current.Number)
            {
                return ValueTask.FromResult(true);
            }

            if (attempt.Number < current.Number)
            {
                return ValueTask.FromResult(false);
            }
        }

        return RestoreAsync(attempt, cancellationToken);
    }

    private async ValueTask<bool> RestoreAsync(KeyedAttempt attempt, CancellationToken cancellationToken)
    {
        if (attempt.Number == 0 && attempt.RestoredCheckpointId == CheckpointIds.None)
        {
            // The first attempt from no checkpoint starts every key empty; a stale call of it (a newer attempt exists)
            // is caught before its first write, when the history is read (see WriteAsync).
            Reset(attempt, version: null);
            return true;
        }

        var versions = await LoadHistoryAsync(cancellationToken);
        if (versions.NewestAttempt > attempt.Number)
        {
            // A fresh activation called by a task of an attempt that a newer one already replaced (its silo has not
            // heard of the restart yet): that task's checkpoints can never complete, and restoring for it would drop
            // the newer attempt's versions.
            return false;
        }

        versions.RestoreTo(attempt);
        var version = versions.At(attempt.RestoredCheckpointId);
        if (version is null && attempt.SavepointCheckpointId != CheckpointIds.None && attempt.RestoredCheckpointId >= attempt.SavepointCheckpointId)
        {
            version = await ReadSavepointVersionAsync(attempt.RestoredCheckpointId, cancellationToken);
        }

        Reset(attempt, version);
        return true;
    }

    /// <summary>Makes <paramref name="attempt"/> current with the state of <paramref name="version"/> (empty for none).</summary>
    private void Reset(KeyedAttempt attempt, KeySnapshotVersion? version)
    {
        _attempt = attempt;
        _fresh = true;
        _writes.Clear();
        var timers = new KeyTimers();
        _store = version is not null
            ? KeyedStateStore.Import(serializer.Deserialize<KeyStateImage>(version.Data)!, timers)
            : new KeyedStateStore();
        _timers = timers;
    }

    /// <summary>The version history, read from storage on first use in this activation.</summary>
    private async ValueTask<KeySnapshotHistory> LoadHistoryAsync(CancellationToken cancellationToken)
    {
        if (!_historyLoaded)
        {
            await ((IStorage)History).ReadStateAsync(cancellationToken);
            _historyLoaded = true;
        }

        return History.State;
    }

    /// <summary>The key's version as of the savepoint its job started from, if the job did and the key had state there.</summary>
    private async Task<KeySnapshotVersion?> ReadSavepointVersionAsync(long restoredCheckpointId, CancellationToken cancellationToken)
    {
        var (jobId, operatorId, key) = GrainKeys.ParseKeyedState(this.GetPrimaryKeyString());
        var graph = await graphs.GetAsync(jobId, cancellationToken);
        if (graph.Submission.Restore is not { } restore || restoredCheckpointId < restore.CheckpointId || !restore.RestoredOperatorIds.Contains(operatorId))
        {
            return null;
        }

        var uid = graph.Plan.Operators.First(o => o.Id == operatorId).StateUid;
        return await new SavepointStateReader(storage).ReadAsync(restore, uid, key);
    }

    private async Task<long> WriteAsync(Task previous, KeySnapshotVersion version, long lastCompletedId, long[] pinned)
    {
        try
        {
            await previous; // writes of one key go one at a time, in checkpoint order
        }
        catch (Exception)
        {
            // The earlier checkpoint's write failed and that checkpoint is declined; this one may still succeed.
        }

        if (_attempt?.Number != version.Attempt)
        {
            // A newer attempt restored this key while the write waited: the version belongs to a checkpoint that
            // can never complete, and adding it now could prune the version the restore needs.
            return 0;
        }

        if (!_historyLoaded)
        {
            var versions = await LoadHistoryAsync(CancellationToken.None);
            if (versions.NewestAttempt > version.Attempt || _attempt?.Number != version.Attempt)
            {
                // A stale call of the first attempt activated this key after a newer attempt wrote it (see RestoreAsync).
                return 0;
            }

            versions.RestoreTo(_attempt);
        }

        History.State.Add(version, lastCompletedId, pinned);
        await History.WriteOwnedStateAsync(CancellationToken.None); // only this key's grain writes its history
        return version.Data.Length;
    }

    private async ValueTask<KeyedOutput> ProcessSlowAsync(KeyedInput input, KeyedAttempt attempt, CancellationToken cancellationToken) =>
        await AcceptAsync(attempt, cancellationToken) ? MarkFresh((await ResolveAsync(cancellationToken)).Process(_store, _timers, input)) : KeyedOutput.Empty;

    /// <summary>The first output of an activation in its attempt says so (see <see cref="KeyedOutput.FreshActivation"/>).</summary>
    private KeyedOutput MarkFresh(KeyedOutput output)
    {
        if (!_fresh)
        {
            return output;
        }

        _fresh = false;
        return output with { FreshActivation = true };
    }

    private async ValueTask<IKeyedOperator> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_operator is not null)
        {
            return _operator;
        }

        var (jobId, operatorId, _) = GrainKeys.ParseKeyedState(this.GetPrimaryKeyString());
        var graph = await graphs.GetAsync(jobId, cancellationToken);
        var op = ((IKeyedTransformation)graph.Operator(operatorId)).Operator;
        op.EnsureOpen(jobId);
        return _operator = op;
    }
}
