namespace OrleansFlow.Jobs;

/// <summary>A job failed; the message names the operator and what went wrong.</summary>
public sealed class JobExecutionException : Exception
{
    /// <summary>Creates the exception from a job's failure.</summary>
    public JobExecutionException(string jobId, JobFailure failure)
        : base($"Job {jobId} failed in operator '{failure.OperatorName}' (subtask {failure.Subtask}): {failure.Message}")
    {
        JobId = jobId;
        Failure = failure;
    }

    /// <summary>Creates the exception.</summary>
    public JobExecutionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobExecutionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobExecutionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The failed job.</summary>
    public string? JobId { get; }

    /// <summary>The first failure.</summary>
    public JobFailure? Failure { get; }
}
