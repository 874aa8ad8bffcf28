using Orleans.Concurrency;
using OrleansFlow.Metrics;

namespace OrleansFlow.Tasks;

/// <summary>
/// One subtask of one vertex (operator chain) of one job attempt; key from <see cref="GrainKeys.Task"/>.
/// It holds no keyed state. Its input arrives on the Orleans stream whose key equals its grain key.
/// </summary>
// The alias and the grain type ("flow.operator", on TaskGrain) keep the names from before the rename to task grain:
// they are the wire identity of the interface and the type part of every task grain id (silo directories, logs,
// dashboards), so silos of the previous build and of this one still call each other's tasks during a rolling upgrade.
[Alias("flow.IOperatorGrain")]
public interface ITaskGrain : IGrainWithStringKey
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

    /// <summary>
    /// A checkpoint completed: two-phase-commit sinks make what they sealed for it visible, and a keyed task takes
    /// <paramref name="keyedState"/> (the segment chain the completed checkpoint names for it) as the chain its next
    /// checkpoints extend.
    /// </summary>
    [Alias("NotifyCheckpointComplete")]
    Task NotifyCheckpointCompleteAsync(long checkpointId, List<Checkpoints.SegmentRef>? keyedState, CancellationToken cancellationToken);

    /// <summary>Starts producing (sources only; a no-op for other tasks).</summary>
    [Alias("Start")]
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A receiver returns credits: it has processed the first <paramref name="processed"/> batches of the channel, so
    /// the sender may drop them and put as many more on the channel. Grants are cumulative: one that is lost, repeated
    /// or overtaken by a later one changes nothing.
    /// </summary>
    /// <param name="targetVertex">The receiving vertex.</param>
    /// <param name="targetSubtask">The receiving subtask.</param>
    /// <param name="credits">How many batches this grant reports processed since the receiver's previous one (for
    /// reading logs and traces; the sender counts from <paramref name="processed"/>).</param>
    /// <param name="processed">How many batches of the channel the receiver has processed, from sequence 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    [Alias("GrantCredits"), AlwaysInterleave]
    Task GrantCreditsAsync(int targetVertex, int targetSubtask, int credits, long processed, CancellationToken cancellationToken);

    /// <summary>
    /// A sender that has waited a while without its batches being processed asks this receiver about their channel:
    /// every batch below <paramref name="sentBefore"/> was sent a while ago, so the receiver fetches those it never got
    /// (the transport lost them) from the sender. Returns how many batches of the channel it has processed (a
    /// cumulative grant); -1 when it takes no more input (it failed or was cancelled); -2 when this activation was never
    /// deployed: the receiver's activation was lost with its silo (this probe activated it again), so the sender fails
    /// its attempt.
    /// </summary>
    [Alias("ProbeChannel"), AlwaysInterleave]
    Task<long> ProbeChannelAsync(int senderVertex, int senderSubtask, long sentBefore, CancellationToken cancellationToken);

    /// <summary>
    /// A receiver that is missing batches of their channel asks this sender for them: the batches from
    /// <paramref name="fromSequence"/> up to (not including) <paramref name="toSequence"/> that it has sent, which it
    /// holds until the receiver has processed them.
    /// </summary>
    [Alias("FetchBatches"), AlwaysInterleave]
    Task<Messages.ChannelReplay> FetchBatchesAsync(int targetVertex, int targetSubtask, long fromSequence, long toSequence, CancellationToken cancellationToken);

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
