namespace OrleansFlow.Sources;

/// <summary>A source met input it cannot turn into a record; the message names the file and line.</summary>
public sealed class BadRecordException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BadRecordException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BadRecordException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BadRecordException(string message)
        : base(message)
    {
    }
}
