namespace OrleansFlow.Jobs;

/// <summary>
/// The cluster's storage lost a record it held: a job manager's or checkpoint coordinator's state that this
/// activation had read or written is gone (a Redis restarted empty or flushed, a checkpoint directory emptied). The
/// job cannot go on from what storage remembers, so it fails with this reason instead of running on or hanging.
/// </summary>
[GenerateSerializer, Alias("flow.StorageLostException")]
public sealed class StorageLostException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StorageLostException()
    {
    }

    /// <summary>Creates the exception; the message names the record and what was found.</summary>
    public StorageLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public StorageLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
