namespace OrleansFlow.Jobs;

/// <summary>
/// This activation of a job manager or checkpoint coordinator is stale: another activation of the same grain (after a
/// silo's death Orleans' in-cluster directory can briefly hold two) has written the state since, or a newer job
/// manager took over. The activation steps aside: it stops acting and deactivates. It crosses the grain boundary as it
/// is, so a caller (a task reporting to a stale job manager, a job manager refused by the coordinator, a client) can
/// catch it by type and try again.
/// </summary>
[GenerateSerializer, Alias("flow.StaleActivationException")]
public sealed class StaleActivationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public StaleActivationException()
    {
    }

    /// <summary>Creates the exception; the message names the job and the activation.</summary>
    public StaleActivationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StaleActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
