using Orleans.Placement;
using Orleans.Serialization;
using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Runtime;
using OrleansFlow.State;

namespace OrleansFlow.Keyed;

/// <summary>
/// The live state of one key of a keyed operator. Placed on the silo of the subtask that first calls it, so a key's
/// records usually stay on one silo, and kept active until its subtask passivates it. It never reads or writes
/// storage: its keyed subtask seeds it with the key's state on the first call of each attempt (the state in the
/// checkpoint the attempt restored) and after a passivation; when checkpointing is on, every answer carries a copy of
/// the state after the call, which the subtask keeps and writes in its snapshot segments. Calls of an older attempt are ignored; a call without a seed to an activation
/// that holds no live state of the attempt (its silo died) says the state was lost, and the attempt restarts.
/// </summary>
[GrainType(KeyedStateGrain.GrainTypeName)]
[PreferLocalPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed partial class KeyedStateGrain(JobGraphCache graphs, Serializer serializer) : Grain, IKeyedStateGrain
{
    /// <summary>The grain type (part of every per-key grain id).</summary>
    public const string GrainTypeName = "flow.keyed";

    private KeyedStateStore _store = new();
    private KeyTimers _timers = new();
    private IKeyedOperator? _operator;
    private readonly KeyCallAdmission _admission = new();

    public ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken) =>
        Accept(attempt, sequence, seed) switch
        {
            Admission.Run when _operator is { } op => ValueTask.FromResult(WithState(op.Process(_store, _timers, input), copyState)),
            Admission.Run => ProcessSlowAsync(input, copyState, cancellationToken),
            Admission.Lost => ValueTask.FromResult(KeyedOutput.Lost),
            Admission.Repeated => ValueTask.FromResult(KeyedOutput.RepeatedCall),
            _ => ValueTask.FromResult(KeyedOutput.Empty),
        };

    public async ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken) =>
        Accept(attempt, sequence, seed) switch
        {
            Admission.Run => WithState((await ResolveAsync(cancellationToken)).FireTimers(_store, _timers, input), copyState),
            Admission.Lost => KeyedOutput.Lost,
            Admission.Repeated => KeyedOutput.RepeatedCall,
            _ => KeyedOutput.Empty,
        };

    public ValueTask<KeyedOutput> PassivateAsync(int attempt, bool copyState, CancellationToken cancellationToken)
    {
        if (attempt != _admission.Attempt)
        {
            return ValueTask.FromResult(KeyedOutput.Lost);
        }

        var output = copyState ? KeyedOutput.Empty with { StateImage = Copy() } : KeyedOutput.Empty;
        Reset(KeyCallAdmission.NoAttempt, 0, image: null);
        DeactivateOnIdle();
        return ValueTask.FromResult(output);
    }

    public async Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken)
    {
        var store = await ReadableStoreAsync(cancellationToken);
        return store.TryGet(stateName, out var value) ? StateValues.Unwrap(value) : null;
    }

    public async Task<IReadOnlyDictionary<string, string?>> GetStateTextAsync(CancellationToken cancellationToken)
    {
        var store = await ReadableStoreAsync(cancellationToken);
        var text = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in store.Names)
        {
            text[name] = store.TryGet(name, out var value) ? Jobs.StateText.Render(StateValues.Unwrap(value)) : null;
        }

        return text;
    }

    /// <summary>Whether a call of <paramref name="attempt"/> runs (<see cref="KeyCallAdmission"/>); a seed first replaces the live state.</summary>
    private Admission Accept(int attempt, long sequence, KeyStateSeed? seed)
    {
        var admission = _admission.Accept(attempt, sequence, seeded: seed is not null);
        if (admission == Admission.Run && seed is not null)
        {
            Reset(attempt, sequence, seed.Image);
        }

        return admission;
    }

    /// <summary>Makes <paramref name="attempt"/> current with the state of <paramref name="image"/> (empty for none).</summary>
    private void Reset(int attempt, long lastSequence, byte[]? image)
    {
        _admission.Reset(attempt, lastSequence);
        var timers = new KeyTimers();
        _store = image is null ? new KeyedStateStore() : KeyImage.Read(serializer, image, timers);
        _timers = timers;
    }

    /// <summary>A copy of the live state, taken between two calls (so it holds exactly the records processed so far).</summary>
    private byte[] Copy() => KeyImage.Write(serializer, _store, _timers);

    /// <summary>
    /// The state a query reads: the live state, or, for a passivated key (this activation holds none), the copy its
    /// subtask keeps, read without making this activation live (it deactivates again).
    /// </summary>
    private async Task<KeyedStateStore> ReadableStoreAsync(CancellationToken cancellationToken)
    {
        if (_admission.Attempt != KeyCallAdmission.NoAttempt)
        {
            return _store;
        }

        DeactivateOnIdle();
        var image = await ReadFromSubtasksAsync(cancellationToken);
        return image is null ? new KeyedStateStore() : KeyImage.Read(serializer, image, new KeyTimers());
    }

    /// <summary>The image the keyed subtasks of the job's current attempt hold for this key, if any.</summary>
    private async Task<byte[]?> ReadFromSubtasksAsync(CancellationToken cancellationToken)
    {
        var (jobId, operatorId, key) = GrainKeys.ParseKeyedState(this.GetPrimaryKeyString());
        var graph = await graphs.GetAsync(jobId, cancellationToken);
        var vertex = graph.Plan.Vertices.FirstOrDefault(v => v.KeyedOperatorId == operatorId);
        if (vertex is null)
        {
            return null;
        }

        var status = await GrainFactory.GetGrain<IJobManagerGrain>(jobId).GetStatusAsync(cancellationToken);
        var images = await Task.WhenAll(AttemptTasks.Of(GrainFactory, jobId, [vertex], status.Attempt)
            .Select(t => t.Grain.GetKeyImageAsync(key, cancellationToken)));
        return images.FirstOrDefault(i => i is not null);
    }

    private async ValueTask<KeyedOutput> ProcessSlowAsync(KeyedInput input, bool copyState, CancellationToken cancellationToken) =>
        WithState((await ResolveAsync(cancellationToken)).Process(_store, _timers, input), copyState);

    /// <summary>The output, with a copy of the state after the call when the subtask wants one.</summary>
    private KeyedOutput WithState(KeyedOutput output, bool copyState) =>
        copyState ? output with { StateImage = Copy() } : output;

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
