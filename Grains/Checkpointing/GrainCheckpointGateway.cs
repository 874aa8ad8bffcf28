using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>The coordinator's gateways made of grain calls: to the tasks of an attempt, the job manager and the savepoint store.</summary>
/// <param name="grains">The grain factory.</param>
/// <param name="jobId">The job.</param>
internal sealed class GrainCheckpointGateway(IGrainFactory grains, string jobId) : ICheckpointTaskGateway, ICheckpointJobGateway
{
    private IJobManagerGrain JobManager => grains.GetGrain<IJobManagerGrain>(jobId);

    /// <inheritdoc />
    public Task TriggerCheckpointAsync(JobPlan plan, int attempt, long checkpointId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sources = AttemptTasks.Of(grains, jobId, plan.Vertices.Where(v => v.IsSource), attempt).ToList();
        return Task.WhenAll(sources.Select(s => s.Grain.TriggerCheckpointAsync(checkpointId, cancellationToken)));
    }

    /// <inheritdoc />
    public Task NotifyCheckpointCompleteAsync(JobPlan plan, int attempt, long checkpointId, IReadOnlyDictionary<string, TaskSnapshot> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(records);
        return Task.WhenAll(AttemptTasks.Of(grains, jobId, plan, attempt).Select(t => t.Grain.NotifyCheckpointCompleteAsync(
            checkpointId, records.GetValueOrDefault(RetainedCheckpoint.TaskKey(t.Vertex.Id, t.Subtask))?.KeyedState, cancellationToken)));
    }

    /// <inheritdoc />
    public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken) => JobManager.GetStatusAsync(cancellationToken);

    /// <inheritdoc />
    public Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken) =>
        JobManager.ReportFailureAsync(attempt, failure, cancellationToken);

    /// <inheritdoc />
    public Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken) =>
        JobManager.StopAfterSavepointAsync(checkpointId, cancellationToken);

    /// <inheritdoc />
    public Task StoreSavepointAsync(SavepointMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return grains.GetGrain<ISavepointGrain>(metadata.SavepointId).StoreAsync(metadata, cancellationToken);
    }
}
