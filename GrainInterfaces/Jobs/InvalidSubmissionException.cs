namespace OrleansFlow.Jobs;

/// <summary>
/// A job submission the cluster cannot run as sent: the job was already submitted, its job artifact was not uploaded,
/// or the savepoint it starts from cannot be mapped onto it. The message names what is wrong.
/// </summary>
[GenerateSerializer, Alias("flow.InvalidSubmissionException")]
public sealed class InvalidSubmissionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public InvalidSubmissionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidSubmissionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidSubmissionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
