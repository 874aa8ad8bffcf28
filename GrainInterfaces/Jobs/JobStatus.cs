namespace OrleansFlow.Jobs;

/// <summary>The life cycle of a job, as in Flink.</summary>
public enum JobStatus
{
    /// <summary>Submitted, not yet deployed.</summary>
    Created = 0,

    /// <summary>Deployed; sources are producing.</summary>
    Running = 1,

    /// <summary>All sources ended and everything downstream has been flushed.</summary>
    Finished = 2,

    /// <summary>A task failed and the job will not go on; see the failure.</summary>
    Failed = 3,

    /// <summary>Being cancelled.</summary>
    Canceling = 4,

    /// <summary>Cancelled by a user.</summary>
    Canceled = 5,

    /// <summary>A task failed or a silo died; the job restarts from its latest completed checkpoint.</summary>
    Restarting = 6,
}

/// <summary>Helpers over <see cref="JobStatus"/>.</summary>
public static class JobStatusExtensions
{
    /// <summary>Whether the job has reached a state it never leaves.</summary>
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Finished or JobStatus.Failed or JobStatus.Canceled;
}
