namespace OrleansFlow.Jobs;

/// <summary>The job is not running (it finished, failed, was cancelled or is finishing), so it cannot do what was asked, such as take a savepoint.</summary>
[GenerateSerializer, Alias("flow.JobNotRunningException")]
public sealed class JobNotRunningException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public JobNotRunningException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobNotRunningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobNotRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the job <paramref name="jobId"/> in <paramref name="status"/>, with the message to show.</summary>
    public JobNotRunningException(string jobId, JobStatus status, string message)
        : base(message)
    {
        JobId = jobId;
        Status = status;
    }

    /// <summary>The job.</summary>
    [Id(0)]
    public string? JobId { get; private set; }

    /// <summary>The job's status when it was asked.</summary>
    [Id(1)]
    public JobStatus Status { get; private set; }
}
