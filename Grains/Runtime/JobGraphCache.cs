using System.Collections.Concurrent;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Runtime;

/// <summary>
/// Rebuilds each job's graph once per silo from its submission (fetched from the job manager) and checks that
/// it matches the submitted plan, so every silo runs the same operators.
/// </summary>
internal sealed class JobGraphCache(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobGraph>>> _graphs = new(StringComparer.Ordinal);

    public Task<JobGraph> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var entry = _graphs.GetOrAdd(jobId, id => new Lazy<Task<JobGraph>>(() => BuildAsync(id)));
        var task = entry.Value;
        if (task.IsFaulted)
        {
            _graphs.TryRemove(new KeyValuePair<string, Lazy<Task<JobGraph>>>(jobId, entry));
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>Drops a job's graph once the job has ended (per-key grains keep the operator they already resolved).</summary>
    public void Evict(string jobId) => _graphs.TryRemove(jobId, out _);

    private async Task<JobGraph> BuildAsync(string jobId)
    {
        var submission = await grains.GetGrain<IJobManagerGrain>(jobId).GetSubmissionAsync(CancellationToken.None);
        var built = JobGraphBuilder.Build(submission.Source);
        var fingerprint = JobPlanner.Fingerprint(built.Transformations);
        if (fingerprint != submission.Plan.Fingerprint)
        {
            throw new InvalidOperationException(
                $"Job {jobId}: the graph built on this silo differs from the submitted one (fingerprint {fingerprint} vs {submission.Plan.Fingerprint}). " +
                "A job's Build method must be deterministic and the same job assembly must be deployed everywhere.");
        }

        return new JobGraph(submission, built.Transformations);
    }
}
