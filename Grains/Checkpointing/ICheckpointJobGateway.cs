using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpointing;

/// <summary>
/// How the <see cref="CheckpointCoordinator"/> reaches its job's manager and the savepoint store. The grain
/// implementation makes grain calls; unit tests use a fake.
/// </summary>
internal interface ICheckpointJobGateway
{
    /// <summary>The job's status as its job manager sees it (which attempt runs, whether every task is running).</summary>
    Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Fails <paramref name="attempt"/> of the job (the restart strategy decides what follows).</summary>
    Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken);

    /// <summary>A stop-with-savepoint's savepoint completed: the job manager commits its output and stops the job.</summary>
    Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>Stores a completed savepoint's metadata durably.</summary>
    Task StoreSavepointAsync(SavepointMetadata metadata, CancellationToken cancellationToken);
}
