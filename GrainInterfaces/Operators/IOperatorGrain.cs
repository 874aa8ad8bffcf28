using Orleans.Concurrency;
using OrleansFlow.Metrics;

namespace OrleansFlow.Operators;

/// <summary>
/// One subtask of one vertex (operator chain) of one job attempt; key from <see cref="GrainKeys.Task"/>.
/// It holds no keyed state. Its input arrives on the Orleans stream whose key equals its grain key.
/// </summary>
[Alias("flow.IOperatorGrain")]
public interface IOperatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Activates the task and builds its operator chain; fails if the job's graph cannot be built here, or if the task
    /// was cancelled before (a stale job manager deploying an attempt that was already replaced).
    /// </summary>
    /// <param name="submission">The job, so the task need not call the job manager back while it is being deployed.</param>
    /// <param name="restoredCheckpointId">The checkpoint this attempt resumes from (0 for none); the task fetches its
    /// record of it from the coordinator, and a keyed task reads its keys from the record's snapshot segments.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [Alias("Deploy")]
    Task DeployAsync(Jobs.JobSubmission submission, long restoredCheckpointId, CancellationToken cancellationToken);

    /// <summary>Asks a source subtask to inject the barrier of a checkpoint after the records it has read so far.</summary>
    [Alias("TriggerCheckpoint"), AlwaysInterleave]
    Task TriggerCheckpointAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>A checkpoint completed: two-phase-commit sinks make what they sealed for it visible.</summary>
    [Alias("NotifyCheckpointComplete")]
    Task NotifyCheckpointCompleteAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>Starts producing (sources only; a no-op for other tasks).</summary>
    [Alias("Start")]
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>A receiver returns credits: the sender may put that many more batches on the channel to it.</summary>
    [Alias("GrantCredits"), AlwaysInterleave]
    Task GrantCreditsAsync(int targetVertex, int targetSubtask, int credits, CancellationToken cancellationToken);

    /// <summary>The job ended: the task no longer needs to stay active.</summary>
    [Alias("Release"), AlwaysInterleave]
    Task ReleaseAsync(CancellationToken cancellationToken);

    /// <summary>The task's counters; null when it was not deployed on this activation (its silo died).</summary>
    [Alias("GetMetrics"), AlwaysInterleave]
    Task<TaskMetrics?> GetMetricsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The copy of a key's state a keyed task holds (its key is passivated, or restored and not called yet), for a query
    /// of that key; null when the task holds none.
    /// </summary>
    [Alias("GetKeyImage"), AlwaysInterleave]
    Task<byte[]?> GetKeyImageAsync(string keyText, CancellationToken cancellationToken);

    /// <summary>Stops the task: a source stops producing, any task drops further input.</summary>
    [Alias("Cancel"), AlwaysInterleave]
    Task CancelAsync(CancellationToken cancellationToken);
}
