namespace OrleansFlow.Jobs;

/// <summary>
/// Where a savepoint being taken (or a stop-with-savepoint) stands, as reported to the <see cref="IProgress{T}"/> given
/// to <see cref="JobClient.TriggerSavepointAsync(IProgress{SavepointProgress}?, CancellationToken)"/> or
/// <see cref="JobClient.StopWithSavepointAsync(IProgress{SavepointProgress}?, CancellationToken)"/>.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="CheckpointId">The savepoint's checkpoint id.</param>
/// <param name="Phase">Whether the savepoint is still being written or the job is being stopped after it.</param>
/// <param name="Elapsed">Time since the savepoint was triggered.</param>
/// <param name="JobStatus">The job's status while it is being stopped; null while the savepoint is being written.</param>
public sealed record SavepointProgress(string JobId, long CheckpointId, SavepointPhase Phase, TimeSpan Elapsed, JobStatus? JobStatus = null);

/// <summary>The phases of taking a savepoint.</summary>
public enum SavepointPhase
{
    /// <summary>Triggered: the tasks are snapshotting their state and storage is written.</summary>
    InProgress = 0,

    /// <summary>The savepoint is durable; a stop-with-savepoint now waits for the job to end.</summary>
    StoppingJob = 1,
}
