namespace OrleansFlow.Checkpointing;

/// <summary>
/// This activation of a job manager or checkpoint coordinator is stale: another activation of the same grain (after a
/// silo's death Orleans' in-cluster directory can briefly hold two) has written the state since, or a newer job
/// manager took over. The activation steps aside: it stops acting and deactivates.
/// </summary>
internal sealed class StaleActivationException(string message) : InvalidOperationException(message);
