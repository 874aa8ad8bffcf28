namespace OrleansFlow.Jobs;

/// <summary>A snapshot of a job's status.</summary>
/// <param name="JobId">The job.</param>
/// <param name="JobName">Display name.</param>
/// <param name="Status">Life-cycle state.</param>
/// <param name="Failure">The first failure, if the job failed.</param>
/// <param name="FinishedTasks">Subtasks that have finished.</param>
/// <param name="TotalTasks">All subtasks of the job.</param>
/// <param name="Attempt">The current execution attempt (restarts so far).</param>
/// <param name="LastFailure">The latest failure that caused a restart, if any.</param>
/// <param name="Runtime">Once the job has ended, the time from its submission to its end (Flink's job runtime).</param>
[GenerateSerializer, Immutable, Alias("flow.JobStatusInfo")]
public sealed record JobStatusInfo(
    [property: Id(0)] string JobId,
    [property: Id(1)] string JobName,
    [property: Id(2)] JobStatus Status,
    [property: Id(3)] JobFailure? Failure,
    [property: Id(4)] int FinishedTasks,
    [property: Id(5)] int TotalTasks,
    [property: Id(6)] int Attempt = 0,
    [property: Id(7)] JobFailure? LastFailure = null,
    [property: Id(8)] TimeSpan? Runtime = null);
