namespace OrleansFlow.Jobs;

/// <summary>A job was to start from a savepoint this cluster's checkpoint storage does not hold. The message names what was asked for and what savepoint ids look like.</summary>
[GenerateSerializer, Alias("flow.SavepointNotFoundException")]
public sealed class SavepointNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public SavepointNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the savepoint <paramref name="savepoint"/> (as the user gave it), with the message to show.</summary>
    public SavepointNotFoundException(string savepoint, string message, Exception? innerException)
        : base(message, innerException)
    {
        Savepoint = savepoint;
    }

    /// <summary>The savepoint asked for, as given (an id or a path holding one).</summary>
    [Id(0)]
    public string? Savepoint { get; private set; }
}
