using OrleansFlow.Checkpoints;

namespace OrleansFlow.Jobs;

/// <summary>
/// What <see cref="JobRestarter"/> asks of the world: the job's tasks, its checkpoint coordinator, its persisted state
/// and timers. The job manager grain carries each out; unit tests use a fake.
/// </summary>
internal interface IJobAttemptControl
{
    /// <summary>Stops the coordinator's checkpointing of the current attempt; failures are logged, never thrown.</summary>
    Task StopCoordinatorAsync(bool jobEnded, bool discardCheckpoints);

    /// <summary>The id of the latest completed checkpoint (or <see cref="CheckpointIds.None"/>); throws when it cannot be read.</summary>
    Task<long> GetLatestCompletedCheckpointAsync();

    /// <summary>
    /// Writes the job's state after a transition; a failed write is logged and not thrown (the next transition writes
    /// again). Throws <see cref="StaleActivationException"/> when another activation has written since.
    /// </summary>
    Task PersistAsync();

    /// <summary>
    /// Writes a new attempt's number before any of its tasks exists; throws on any failure
    /// (<see cref="StaleActivationException"/> when another activation has written since).
    /// </summary>
    Task WriteNewAttemptAsync();

    /// <summary>
    /// Keeps the metrics of every task of <paramref name="attempt"/> that answers within a bounded time as the job's
    /// final metrics (the job is ending; written with the next <see cref="PersistAsync"/>); never throws.
    /// </summary>
    Task KeepFinalMetricsAsync(int attempt);

    /// <summary>Tells every task of <paramref name="attempt"/> to stop, waiting a bounded time; failures are logged, never thrown.</summary>
    Task CancelTasksAsync(int attempt);

    /// <summary>Deploys every task of <paramref name="attempt"/>, restoring <paramref name="restoredCheckpointId"/>.</summary>
    Task DeployTasksAsync(int attempt, long restoredCheckpointId, CancellationToken cancellationToken);

    /// <summary>Starts the coordinator's checkpointing of <paramref name="attempt"/>.</summary>
    Task StartCoordinatorAsync(int attempt, CancellationToken cancellationToken);

    /// <summary>Starts the source tasks of <paramref name="attempt"/>.</summary>
    Task StartSourcesAsync(int attempt, CancellationToken cancellationToken);

    /// <summary>Arranges for <see cref="JobRestarter.RestartAsync"/> to run after <paramref name="delay"/>, in a turn of its own.</summary>
    void ScheduleRestart(TimeSpan delay);

    /// <summary>Stops driving the job: another activation took it over.</summary>
    void StepAside(string reason);

    /// <summary>
    /// Whether a failure of the running attempt is absorbed by a redeploy for a silo that joined (which then
    /// happened): the new attempt restores the latest checkpoint either way.
    /// </summary>
    Task<bool> AbsorbedByRedeployAsync(int attempt, JobFailure failure);
}
