using Orleans.Concurrency;
using OrleansFlow.Metrics;

namespace OrleansFlow.Jobs;

/// <summary>One per job (key: job id). Deploys the plan, tracks status, surfaces the first failure and cancels.</summary>
[Alias("flow.IJobManagerGrain")]
public interface IJobManagerGrain : IGrainWithStringKey
{
    /// <summary>Accepts a job and deploys it. Submitting the same job id twice is an error.</summary>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and the submission carried none or a wrong one.</exception>
    /// <exception cref="InvalidSubmissionException">The job was already submitted, its artifact was not uploaded, or its savepoint's state cannot be mapped onto it.</exception>
    /// <exception cref="SavepointNotFoundException">The savepoint it starts from is not in the cluster's checkpoint storage.</exception>
    [Alias("Submit")]
    Task<JobStatusInfo> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken);

    /// <summary>The job's submission, for silos that need to rebuild its graph.</summary>
    /// <exception cref="JobNotFoundException">There is no such job.</exception>
    [Alias("GetSubmission"), AlwaysInterleave]
    Task<JobSubmission> GetSubmissionAsync(CancellationToken cancellationToken);

    /// <summary>The current status.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Status, the vertices with the metrics of the subtasks of the current attempt (those that answer within a
    /// second) and the checkpoint history.
    /// </summary>
    [Alias("GetDetails"), AlwaysInterleave]
    Task<JobDetails> GetDetailsAsync(CancellationToken cancellationToken);

    /// <summary>Waits until the job is terminal or <paramref name="maxWait"/> passes, then returns the status.</summary>
    [Alias("WaitForStatusChange"), AlwaysInterleave]
    Task<JobStatusInfo> WaitForTerminalAsync(TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Cancels the job: sources stop, every task is told to stop.</summary>
    /// <param name="submissionToken">The cluster's submission token, when it requires one (as for <see cref="SubmitAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and the call carried none or a wrong one.</exception>
    [Alias("Cancel")]
    Task<JobStatusInfo> CancelAsync(string? submissionToken, CancellationToken cancellationToken);

    /// <summary>
    /// Triggers a savepoint of the running job and returns its checkpoint id (follow it on the job's checkpoint
    /// coordinator). With <paramref name="stop"/> the job stops once the savepoint completed (Flink's
    /// stop-with-savepoint): its sinks commit the savepoint's output and the job ends Finished.
    /// </summary>
    /// <param name="stop">Whether the job stops once the savepoint completed.</param>
    /// <param name="submissionToken">The cluster's submission token, when it requires one (as for <see cref="SubmitAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="JobNotFoundException">There is no such job.</exception>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and the call carried none or a wrong one.</exception>
    /// <exception cref="JobNotRunningException">The job is not running (or is finishing).</exception>
    /// <exception cref="SavepointRefusedException">Its checkpointing is off, or it cannot take a savepoint now.</exception>
    /// <exception cref="StaleActivationException">This job manager activation is stale; try again.</exception>
    [Alias("TriggerSavepoint")]
    Task<long> TriggerSavepointAsync(bool stop, string? submissionToken, CancellationToken cancellationToken);

    /// <summary>The coordinator reports that the savepoint of a stop-with-savepoint completed: commit it and stop.</summary>
    [Alias("StopAfterSavepoint")]
    Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>A subtask reports that it received end of input on every input and flushed its output.</summary>
    [Alias("ReportFinished")]
    Task ReportFinishedAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken);

    /// <summary>A subtask reports a failure.</summary>
    [Alias("ReportFailure")]
    Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken);

    /// <summary>
    /// A silo is about to stop gracefully (elastic scale): a running job with checkpointing stops its current attempt
    /// and waits for <see cref="ResumeAfterSiloLeavingAsync"/> (or a time limit) before it redeploys from its latest
    /// checkpoint on the other silos. Not counted as a failure. Returns whether the job stopped its attempt.
    /// </summary>
    [Alias("PrepareForSiloLeaving")]
    Task<bool> PrepareForSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken);

    /// <summary>
    /// The leaving silo has moved its per-key grains off: redeploy the job from its latest checkpoint on the silos that
    /// stay. Nothing happens unless the job stopped for <see cref="PrepareForSiloLeavingAsync"/>.
    /// </summary>
    [Alias("ResumeAfterSiloLeaving")]
    Task ResumeAfterSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken);
}
