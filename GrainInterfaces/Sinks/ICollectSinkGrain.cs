namespace OrleansFlow.Sinks;

/// <summary>Gathers the records a collect sink received (key: <see cref="GrainKeys.Collector"/>), for clients to read.</summary>
[Alias("flow.ICollectSinkGrain")]
public interface ICollectSinkGrain : IGrainWithStringKey
{
    /// <summary>Appends a batch (an array of the sink's element type).</summary>
    [Alias("Append")]
    Task AppendAsync(int subtask, object records, CancellationToken cancellationToken);

    /// <summary>Returns batches from index <paramref name="fromBatch"/> on, at most <paramref name="maxBatches"/>.</summary>
    [Alias("Read")]
    Task<IReadOnlyList<object>> ReadAsync(int fromBatch, int maxBatches, CancellationToken cancellationToken);
}
