using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansFlow.Diagnostics;
using OrleansFlow.Serialization;

namespace OrleansFlow.Artifacts;

/// <summary>
/// Loads uploaded job artifacts on this silo: reads the artifact grain's state straight from the storage provider
/// named <see cref="FlowNames.ArtifactStorage"/> (no grain call, so it also works while a message is being
/// deserialized) and loads it into its load context (<see cref="JobArtifacts"/>). Counts the jobs using each artifact
/// and unloads its context when none does, unless Orleans' serializer has cached its types.
/// </summary>
internal sealed class JobArtifactStore(IServiceProvider services, ILogger<JobArtifactStore> logger) : IJobArtifactSource
{
    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(FlowNames.ArtifactStorage);

    /// <summary>The loaded artifact <paramref name="id"/>, counting one more job that uses it (see <see cref="Release"/>).</summary>
    public async Task<LoadedArtifact> AcquireAsync(string id, CancellationToken cancellationToken)
    {
        if (!JobArtifacts.TryGet(id, out var loaded))
        {
            var artifact = await ReadAsync(id, cancellationToken)
                ?? throw new JobArtifactException($"Job artifact {id} is not in the cluster's artifact storage (provider '{FlowNames.ArtifactStorage}').");
            loaded = Load(artifact);
        }

        loaded.Acquire();
        return loaded;
    }

    /// <summary>A job on this silo stopped using <paramref name="artifact"/>.</summary>
    public void Release(LoadedArtifact artifact)
    {
        if (JobArtifacts.Release(artifact))
        {
            ArtifactLog.Unloaded(logger, artifact.Id);
        }
        else if (artifact.Leases == 0)
        {
            ArtifactLog.Kept(logger, artifact.Id);
        }
    }

    /// <inheritdoc />
    public JobArtifact? TryRead(string id) =>
        // Called while a message is deserialized: wait for the storage read on the thread pool, off any grain scheduler.
        Task.Run(() => ReadAsync(id, CancellationToken.None)).GetAwaiter().GetResult();

    private LoadedArtifact Load(JobArtifact artifact)
    {
        var loaded = JobArtifacts.Load(artifact);
        ArtifactLog.Loaded(logger, artifact.Id, artifact.MainAssembly);
        return loaded;
    }

    private async Task<JobArtifact?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var stored = new GrainState<JobArtifactState>(new JobArtifactState());
        await Storage.ReadStateAsync(JobArtifactGrain.StateName, GrainId.Create(JobArtifactGrain.GrainTypeName, id), stored, cancellationToken);
        return stored.State?.Artifact;
    }
}
