namespace OrleansFlow.Checkpointing;

/// <summary>
/// This activation of a job manager or checkpoint coordinator is stale: another activation of the same grain (after a
/// silo's death Orleans' in-cluster directory can briefly hold two) has written the state since, or a newer job
/// manager took over. The activation steps aside: it stops acting and deactivates. Serializable, so a caller (a task
/// reporting to a stale job manager, a job manager refused by the coordinator) gets it as it is.
/// </summary>
[GenerateSerializer, Alias("flow.StaleActivationException")]
internal sealed class StaleActivationException : InvalidOperationException
{
    public StaleActivationException(string message)
        : base(message)
    {
    }
}
