using Orleans.Storage;

namespace OrleansFlow.Jobs;

/// <summary>
/// The cluster's list of submitted jobs, in the storage provider named <see cref="FlowNames.CheckpointStorage"/>.
/// Keeps the newest <see cref="Capacity"/> jobs.
/// </summary>
[GrainType("flow.jobregistry")]
internal sealed class JobRegistryGrain(
    [PersistentState("registry", FlowNames.CheckpointStorage)] IPersistentState<JobRegistryState> state) : Grain, IJobRegistryGrain
{
    /// <summary>How many jobs the registry remembers.</summary>
    public const int Capacity = 1000;

    public async Task AddAsync(JobEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var jobs = state.State.Jobs;
        if (jobs.Exists(j => j.JobId == entry.JobId))
        {
            return;
        }

        Append(jobs, entry);
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote meanwhile (one existed for a moment after a silo died): merge and write again.
            var mine = jobs;
            await state.ReadStateAsync(cancellationToken);
            foreach (var job in mine.Where(j => !state.State.Jobs.Exists(s => s.JobId == j.JobId)))
            {
                Append(state.State.Jobs, job);
            }

            await state.WriteStateAsync(cancellationToken);
        }
    }

    private static void Append(List<JobEntry> jobs, JobEntry entry)
    {
        jobs.Add(entry);
        if (jobs.Count > Capacity)
        {
            jobs.RemoveRange(0, jobs.Count - Capacity);
        }
    }

    public Task<IReadOnlyList<JobEntry>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var jobs = state.State.Jobs;
        return Task.FromResult<IReadOnlyList<JobEntry>>([.. jobs.AsEnumerable().Reverse().Take(limit)]);
    }

    public Task<bool> ContainsAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(state.State.Jobs.Exists(j => j.JobId == jobId));
}
