using Orleans.Concurrency;
using OrleansFlow.Jobs;

namespace OrleansFlow.Checkpoints;

/// <summary>
/// One per job (key: job id). Triggers periodic checkpoints at the sources, collects the subtasks'
/// acknowledgements, completes or aborts checkpoints, keeps the completed ones it retains (through grain persistence)
/// and tells subtasks when a checkpoint completed. An Orleans reminder is its durable wake-up: after a silo crash it
/// comes back elsewhere and makes sure the job goes on.
/// </summary>
[Alias("flow.ICheckpointCoordinatorGrain")]
public interface ICheckpointCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Starts periodic checkpoints for an attempt of the job (its tasks are deployed and sources started).</summary>
    /// <param name="submission">The job (its plan and checkpoint settings), so the coordinator need not call the job manager back.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="jobManagerEpoch">The generation of the job manager sending the command; an older one than the
    /// newest the coordinator has obeyed is refused (a stale duplicate job manager).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [Alias("Start")]
    Task StartAsync(Jobs.JobSubmission submission, int attempt, long jobManagerEpoch, CancellationToken cancellationToken);

    /// <summary>
    /// A job started from a savepoint: the savepoint becomes its first completed checkpoint (each subtask's record
    /// mapped to this job's vertices), and this job's checkpoint ids continue above the savepoint's. Called once,
    /// before the first attempt is deployed.
    /// </summary>
    [Alias("SeedFromSavepoint")]
    Task SeedFromSavepointAsync(long checkpointId, Dictionary<string, TaskSnapshot> tasks, CancellationToken cancellationToken);

    /// <summary>
    /// Triggers a savepoint now (not subject to the interval, concurrency or pause limits) and returns its checkpoint
    /// id; follow it with <see cref="GetCheckpointStatsAsync"/>. With <paramref name="terminate"/> no periodic
    /// checkpoint is triggered after it, and once it completed the job manager stops the job
    /// (stop-with-savepoint); if it fails, periodic checkpoints resume and the job goes on.
    /// </summary>
    /// <exception cref="SavepointRefusedException">Checkpointing is off, or the job is not running with all its tasks.</exception>
    /// <exception cref="StaleActivationException">This coordinator activation is stale; try again.</exception>
    [Alias("TriggerSavepoint")]
    Task<long> TriggerSavepointAsync(bool terminate, CancellationToken cancellationToken);

    /// <summary>A checkpoint's entry of the recent history, or null when it is not (or no longer) there.</summary>
    [Alias("GetCheckpointStats"), AlwaysInterleave]
    Task<CheckpointStats?> GetCheckpointStatsAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>Stops triggering and aborts checkpoints in progress (the attempt ended or is being replaced).</summary>
    /// <param name="jobEnded">Whether the job reached a terminal state (its reminder is then removed).</param>
    /// <param name="discardCheckpoints">Whether completed checkpoints are dropped (a cancelled job that does not retain them).</param>
    /// <param name="jobManagerEpoch">The generation of the job manager sending the command (see <see cref="StartAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [Alias("Stop")]
    Task StopAsync(bool jobEnded, bool discardCheckpoints, long jobManagerEpoch, CancellationToken cancellationToken);

    /// <summary>A subtask snapshotted its state for a checkpoint.</summary>
    [Alias("Acknowledge")]
    Task AcknowledgeAsync(long checkpointId, int vertexId, int subtask, int attempt, TaskSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>A subtask could not snapshot (its state write failed, it had finished, a newer barrier overtook it, ...): the checkpoint is aborted.</summary>
    [Alias("Decline")]
    Task DeclineAsync(long checkpointId, int vertexId, int subtask, int attempt, DeclineKind kind, string reason, CancellationToken cancellationToken);

    /// <summary>The latest completed checkpoint, which a restart restores (0 when there is none).</summary>
    [Alias("GetLatestCompleted"), AlwaysInterleave]
    Task<long> GetLatestCompletedAsync(CancellationToken cancellationToken);

    /// <summary>What a subtask recorded for a completed checkpoint (null if it recorded nothing).</summary>
    [Alias("GetTaskSnapshot"), AlwaysInterleave]
    Task<TaskSnapshot?> GetTaskSnapshotAsync(long checkpointId, int vertexId, int subtask, CancellationToken cancellationToken);

    /// <summary>Counts and recent history of the job's checkpoints.</summary>
    [Alias("GetOverview"), AlwaysInterleave]
    Task<CheckpointOverview> GetOverviewAsync(CancellationToken cancellationToken);
}
