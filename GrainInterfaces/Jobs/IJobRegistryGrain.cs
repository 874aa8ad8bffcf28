using Orleans.Concurrency;

namespace OrleansFlow.Jobs;

/// <summary>
/// The cluster's list of submitted jobs (one grain, key <see cref="Key"/>), kept through grain persistence so it
/// outlives silos. Job managers add their job on submission; <c>flow list</c> and the REST API read it.
/// </summary>
[Alias("flow.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithStringKey
{
    /// <summary>The registry's only key.</summary>
    const string Key = "jobs";

    /// <summary>Records a submitted job (again with the same id: no change).</summary>
    [Alias("Add")]
    Task AddAsync(JobEntry entry, CancellationToken cancellationToken);

    /// <summary>The jobs, newest first, at most <paramref name="limit"/>.</summary>
    [Alias("List"), AlwaysInterleave]
    Task<IReadOnlyList<JobEntry>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Whether the cluster accepted a job with this id (among the jobs the registry remembers).</summary>
    [Alias("Contains"), AlwaysInterleave]
    Task<bool> ContainsAsync(string jobId, CancellationToken cancellationToken);
}
