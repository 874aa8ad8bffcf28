namespace OrleansFlow.Jobs;

/// <summary>
/// A running job cannot take a savepoint now: its checkpointing is off, it is already stopping with a savepoint, or
/// not all its tasks run. Nothing was started; the job goes on. A savepoint that started and then failed is a
/// <c>SavepointException</c> instead.
/// </summary>
[GenerateSerializer, Alias("flow.SavepointRefusedException")]
public sealed class SavepointRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SavepointRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SavepointRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
