using System.Collections.Concurrent;
using OrleansFlow.Artifacts;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Planning;

namespace OrleansFlow.Runtime;

/// <summary>
/// Rebuilds each job's graph once per silo from its submission (fetched from the job manager) and checks that
/// it matches the submitted plan, so every silo runs the same operators. A job from an uploaded artifact loads the
/// artifact first (<see cref="JobArtifactStore"/>), which also makes sure its record types can be deserialized before
/// the job's tasks and per-key grains run; the artifact is released when the job's graph is evicted.
/// </summary>
internal sealed class JobGraphCache(IGrainFactory grains, JobArtifactStore artifacts)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobGraph>>> _graphs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoadedArtifact> _artifacts = new(StringComparer.Ordinal);

    /// <summary>The job's graph, built from its submission fetched from the job manager if this silo has none yet.</summary>
    public Task<JobGraph> GetAsync(string jobId, CancellationToken cancellationToken) => GetAsync(jobId, null, cancellationToken);

    /// <summary>
    /// The job's graph, built from <paramref name="submission"/> if this silo has none yet: the job manager hands it
    /// to the tasks it deploys, so a deployment never waits for a call back to the job manager (which, after a silo's
    /// death, can wait for Orleans' 30 s response timeout while the job manager waits for the deployment).
    /// </summary>
    public Task<JobGraph> GetAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return GetAsync(submission.JobId, submission, cancellationToken);
    }

    private Task<JobGraph> GetAsync(string jobId, JobSubmission? submission, CancellationToken cancellationToken)
    {
        var entry = _graphs.GetOrAdd(jobId, id => new Lazy<Task<JobGraph>>(() => BuildAsync(id, submission)));
        var task = entry.Value;
        if (task.IsFaulted)
        {
            _graphs.TryRemove(new KeyValuePair<string, Lazy<Task<JobGraph>>>(jobId, entry));
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>Drops a job's graph once the job has ended (per-key grains keep the operator they already resolved).</summary>
    public void Evict(string jobId)
    {
        _graphs.TryRemove(jobId, out _);
        if (_artifacts.TryRemove(jobId, out var artifact))
        {
            artifacts.Release(artifact);
        }
    }

    private async Task<JobGraph> BuildAsync(string jobId, JobSubmission? known)
    {
        var submission = known ?? await grains.GetGrain<IJobManagerGrain>(jobId).GetSubmissionAsync(CancellationToken.None);
        Type? jobType = null;
        if (submission.Source.ArtifactId is { } artifactId)
        {
            var artifact = await artifacts.AcquireAsync(artifactId, CancellationToken.None);
            if (_artifacts.TryAdd(jobId, artifact))
            {
                jobType = artifact.ResolveJobType(submission.Source.JobTypeName!);
            }
            else
            {
                artifacts.Release(artifact); // built twice (the first build failed): one lease per job
                jobType = _artifacts[jobId].ResolveJobType(submission.Source.JobTypeName!);
            }
        }

        var built = JobGraphBuilder.Build(submission.Source, jobType: jobType);
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
