namespace OrleansFlow.Jobs;

/// <summary>
/// The cluster refused a job submission, a job artifact upload, or a command on a job (cancel, savepoint, stop): it
/// requires a submission token and the request carried none or a wrong one. An <see cref="UnauthorizedAccessException"/>; the message says which token to give.
/// </summary>
[GenerateSerializer, Alias("flow.SubmissionRefusedException")]
public sealed class SubmissionRefusedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception.</summary>
    public SubmissionRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SubmissionRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SubmissionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the refused job or artifact <paramref name="subject"/>, with the message to show.</summary>
    public SubmissionRefusedException(string subject, string message)
        : base(message)
    {
        Subject = subject;
    }

    /// <summary>The id of the job or job artifact refused.</summary>
    [Id(0)]
    public string? Subject { get; private set; }
}
