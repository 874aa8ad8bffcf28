using Orleans.Placement;

namespace OrleansFlow.Sinks;

/// <summary>
/// Holds a collect sink's batches in arrival order for clients to page through. Kept active (like the job manager),
/// so results survive quiet periods; collect sinks are meant for tests and small results.
/// </summary>
[GrainType("flow.collect")]
[Immovable] // collected results live in the activation only
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class CollectSinkGrain : Grain, ICollectSinkGrain
{
    private readonly List<object> _batches = [];

    public Task AppendAsync(int subtask, object records, CancellationToken cancellationToken)
    {
        _batches.Add(records);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<object>> ReadAsync(int fromBatch, int maxBatches, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatches, 1);
        var count = Math.Clamp(_batches.Count - fromBatch, 0, maxBatches);
        return Task.FromResult<IReadOnlyList<object>>(_batches.GetRange(Math.Min(fromBatch, _batches.Count), count));
    }
}
