namespace OrleansFlow.Storage;

/// <summary>
/// A <see cref="LocalDirectoryGrainStorage"/> could not read, write or delete a state file; the message names the
/// provider, the state, the grain and the file. ETag conflicts are reported with Orleans'
/// <see cref="Orleans.Storage.InconsistentStateException"/> instead.
/// </summary>
[GenerateSerializer]
[Alias("flow.LocalDirectoryStorageException")]
public sealed class LocalDirectoryStorageException : OrleansException
{
    /// <summary>Creates the exception.</summary>
    public LocalDirectoryStorageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public LocalDirectoryStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LocalDirectoryStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
