namespace OrleansFlow.Artifacts;

/// <summary>
/// A job assembly that cannot be used: not a .NET assembly, a dependency missing, no such job type, too large.
/// The message names the file, type or dependency.
/// </summary>
[GenerateSerializer, Alias("flow.JobArtifactException")]
public sealed class JobArtifactException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public JobArtifactException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobArtifactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public JobArtifactException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
