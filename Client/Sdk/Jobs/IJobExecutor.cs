namespace OrleansFlow.Jobs;

/// <summary>Where an environment sends jobs: a remote cluster, or a silo embedded in this process.</summary>
internal interface IJobExecutor : IAsyncDisposable
{
    /// <summary>Whether the silos run in this process (so graphs with lambdas can be handed over directly).</summary>
    bool SharesProcessWithSilos { get; }

    /// <summary>The cluster client, starting the embedded silo on first use where there is one.</summary>
    ValueTask<IClusterClient> GetClientAsync(CancellationToken cancellationToken);
}

/// <summary>Sends jobs to a cluster through an existing client.</summary>
internal sealed class ClusterJobExecutor(IClusterClient client, bool sharesProcessWithSilos = false) : IJobExecutor
{
    public bool SharesProcessWithSilos => sharesProcessWithSilos;

    public ValueTask<IClusterClient> GetClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult(client);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
