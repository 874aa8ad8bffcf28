namespace OrleansFlow.Jobs;

/// <summary>
/// The cluster has no job with this id (status, cancel, savepoint, stop or state of an unknown job). A
/// <see cref="KeyNotFoundException"/>, so a caller that catches that goes on working; the message is the one to show.
/// </summary>
[GenerateSerializer, Alias("flow.JobNotFoundException")]
public sealed class JobNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public JobNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the job <paramref name="jobId"/>, with the message to show.</summary>
    public JobNotFoundException(string jobId, string message, Exception? innerException)
        : base(message, innerException)
    {
        JobId = jobId;
    }

    /// <summary>The id nobody knows.</summary>
    [Id(0)]
    public string? JobId { get; private set; }
}
