namespace OrleansFlow.Jobs;

/// <summary>A savepoint could not be taken; the message says why. The job it was taken of goes on running.</summary>
public sealed class SavepointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SavepointException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
