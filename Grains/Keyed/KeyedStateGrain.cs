using Orleans.Placement;
using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Runtime;
using OrleansFlow.State;

namespace OrleansFlow.Keyed;

/// <summary>
/// The state of one key of a keyed operator. Placed on the silo of the subtask that first calls it, so a key's
/// records usually stay on one silo. Kept active while the cluster runs (its state is held in memory).
/// </summary>
[GrainType("flow.keyed")]
[PreferLocalPlacement]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class KeyedStateGrain(JobGraphCache graphs) : Grain, IKeyedStateGrain
{
    private readonly KeyedStateStore _store = new();
    private readonly KeyTimers _timers = new();
    private IKeyedOperator? _operator;

    public ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, int attempt, CancellationToken cancellationToken) =>
        _operator is { } op ? ValueTask.FromResult(op.Process(_store, _timers, input)) : ProcessSlowAsync(input, cancellationToken);

    public async ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, int attempt, CancellationToken cancellationToken) =>
        (await ResolveAsync(cancellationToken)).FireTimers(_store, _timers, input);

    public Task<IReadOnlyList<string>> GetStateNamesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_store.Names.ToArray());

    public Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken) =>
        Task.FromResult(_store.TryGet(stateName, out var value) ? StateValues.Unwrap(value) : null);

    private async ValueTask<KeyedOutput> ProcessSlowAsync(KeyedInput input, CancellationToken cancellationToken) =>
        (await ResolveAsync(cancellationToken)).Process(_store, _timers, input);

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
