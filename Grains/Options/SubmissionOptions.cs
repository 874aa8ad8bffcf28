namespace OrleansFlow.Configuration;

/// <summary>Who may submit jobs to this silo's cluster.</summary>
public sealed class SubmissionOptions
{
    /// <summary>
    /// A shared secret every submission must carry (<c>StreamExecutionEnvironment.WithSubmissionToken</c>,
    /// <c>flow run --token</c>); null or empty accepts any submission. Give every silo of a cluster the same value.
    /// Orleans' gateway itself has no authentication: keep the gateway port on a private network as well.
    /// </summary>
    public string? Token { get; set; }
}
