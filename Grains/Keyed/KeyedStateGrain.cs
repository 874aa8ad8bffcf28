using Orleans.Placement;
using Orleans.Serialization;
using OrleansFlow.Checkpointing;
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
/// </summary>
[GrainType("flow.keyed")]
[PreferLocalPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class KeyedStateGrain(
    JobGraphCache graphs,
    Serializer serializer,
    [PersistentState("keyed", FlowNames.CheckpointStorage)] IPersistentState<KeySnapshotHistory> history) : Grain, IKeyedStateGrain
{
    private KeyedStateStore _store = new();
    private KeyTimers _timers = new();
    private IKeyedOperator? _operator;
    private KeyedAttempt? _attempt;
    private bool _fresh;
    private Task _lastWrite = Task.CompletedTask;
    private readonly Dictionary<long, Task<long>> _writes = [];

    public ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, KeyedAttempt attempt, CancellationToken cancellationToken)
    {
        if (!Accept(attempt))
        {
            return ValueTask.FromResult(KeyedOutput.Empty);
        }

        return _operator is { } op && !_fresh ? ValueTask.FromResult(op.Process(_store, _timers, input)) : ProcessSlowAsync(input, cancellationToken);
    }

    public async ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, KeyedAttempt attempt, CancellationToken cancellationToken) =>
        Accept(attempt) ? MarkFresh((await ResolveAsync(cancellationToken)).FireTimers(_store, _timers, input)) : KeyedOutput.Empty;

    public ValueTask<bool> BeginSnapshotAsync(long checkpointId, long lastCompletedId, KeyedAttempt attempt, CancellationToken cancellationToken)
    {
        var fresh = false;
        if (Accept(attempt))
        {
            fresh = _fresh;
            _fresh = false;
            // The copy is taken now, between two calls, so it holds exactly the records before the barrier.
            var data = serializer.SerializeToArray(_store.Export(_timers));
            var previous = _lastWrite;
            var write = WriteAsync(previous, new KeySnapshotVersion(checkpointId, attempt.Number, data), lastCompletedId);
            _writes[checkpointId] = write;
            _lastWrite = write;
        }

        return ValueTask.FromResult(fresh);
    }

    public async Task<long> AwaitSnapshotAsync(long checkpointId, CancellationToken cancellationToken)
    {
        if (!_writes.Remove(checkpointId, out var write))
        {
            throw new InvalidOperationException($"Key {this.GetPrimaryKeyString()} has no snapshot in progress for checkpoint {checkpointId}.");
        }

        return await write;
    }

    public Task<IReadOnlyList<string>> GetStateNamesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_store.Names.ToArray());

    public Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken) =>
        Task.FromResult(_store.TryGet(stateName, out var value) ? StateValues.Unwrap(value) : null);

    /// <summary>
    /// Whether a call of <paramref name="attempt"/> may run. The first call of an activation, or of a newer attempt,
    /// puts the state back as of the attempt's restored checkpoint (empty when there is none).
    /// </summary>
    private bool Accept(KeyedAttempt attempt)
    {
        if (_attempt is { } current)
        {
            if (attempt.Number == current.Number)
            {
                return true;
            }

            if (attempt.Number < current.Number)
            {
                return false;
            }
        }

        var versions = history.State;
        if (versions.NewestAttempt > attempt.Number)
        {
            // A fresh activation called by a task of an attempt that a newer one already replaced (its silo has not
            // heard of the restart yet): that task's checkpoints can never complete, and restoring for it would drop
            // the newer attempt's versions.
            return false;
        }

        _attempt = attempt;
        _fresh = true;
        _writes.Clear();
        versions.RestoreTo(attempt);
        var timers = new KeyTimers();
        _store = versions.At(attempt.RestoredCheckpointId) is { } version
            ? KeyedStateStore.Import(serializer.Deserialize<KeyStateImage>(version.Data)!, timers)
            : new KeyedStateStore();
        _timers = timers;
        return true;
    }

    private async Task<long> WriteAsync(Task previous, KeySnapshotVersion version, long lastCompletedId)
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

        history.State.Add(version, lastCompletedId);
        await history.WriteOwnedStateAsync(CancellationToken.None); // only this key's grain writes its history
        return version.Data.Length;
    }

    private async ValueTask<KeyedOutput> ProcessSlowAsync(KeyedInput input, CancellationToken cancellationToken) =>
        MarkFresh((await ResolveAsync(cancellationToken)).Process(_store, _timers, input));

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
