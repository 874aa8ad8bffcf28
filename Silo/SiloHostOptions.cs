using OrleansFlow.Configuration;
using OrleansFlow.Hosting;

namespace OrleansFlow.Silo;

/// <summary>Settings of a silo host (section "Silo" of appsettings.json, environment variables Silo__*, or flags).</summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Silo";

    /// <summary>
    /// Redis "host:port" holding cluster membership, checkpoints and reminders; null for a single localhost silo,
    /// which keeps checkpoints in <see cref="CheckpointDirectory"/> and reminders in memory.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this one.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "orleansflow";

    /// <summary>
    /// The service id: the prefix of every key a Redis-clustered silo writes (membership, checkpoints, reminders).
    /// Clusters sharing a Redis keep their state apart by using different service ids.
    /// </summary>
    public string ServiceId { get; set; } = "orleansflow";

    /// <summary>
    /// Port of the silo's web endpoint: the Orleans dashboard at <c>/dashboard</c>, the jobs page at <c>/</c>, the REST
    /// API at <c>/jobs</c> and the health check at <c>/health</c> (default 8080; 0 turns the web endpoint off).
    /// </summary>
    public int DashboardPort { get; set; } = 8080;

    /// <summary>The address the web endpoint listens on (default loopback; 0.0.0.0 for every interface).</summary>
    public string DashboardAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// A shared secret every job submission, artifact upload, cancel, savepoint and stop must carry (<c>flow run
    /// --token</c>); the REST API and the dashboard's log stream need it too when the web endpoint listens beyond
    /// loopback. Null accepts any. Give every silo of a cluster the same one, e.g. through the environment variable
    /// <c>Silo__SubmissionToken</c>. Required when the gateway or the web endpoint listens beyond loopback, unless
    /// <see cref="Insecure"/>.
    /// </summary>
    public string? SubmissionToken { get; set; }

    /// <summary>
    /// Starts a silo whose gateway or web endpoint listens beyond loopback without a <see cref="SubmissionToken"/>
    /// (<c>--insecure</c>): anyone who reaches those ports can then upload code that runs inside the silo.
    /// </summary>
    public bool Insecure { get; set; }

    /// <summary>The largest job artifact (uploaded job assembly and its private dependencies) this silo accepts, in bytes (default 32 MiB).</summary>
    public long MaxArtifactBytes { get; set; } = JobArtifactOptions.DefaultMaxSizeBytes;

    /// <summary>
    /// Attempts of a job that coincide with a silo's death, with no checkpoint completed in between, before the job is
    /// Failed as poisonous and not redeployed (default 3; 0 turns the guard off): <c>JobManagerOptions.PoisonousJobSiloDeaths</c>.
    /// </summary>
    public int PoisonousJobSiloDeaths { get; set; } = 3;

    /// <summary>
    /// How long a graceful stop (SIGTERM, Ctrl+C) may take before the silo gives up, says why (e.g. Redis does not
    /// answer) and exits with a non-zero code: a duration such as <c>30s</c> (default), <c>500ms</c> or <c>2m</c>.
    /// </summary>
    public string ShutdownTimeout { get; set; } = "30s";

    /// <summary>Checkpoint directory of a silo without Redis, relative to the current directory (default data/checkpoints).</summary>
    public string CheckpointDirectory { get; set; } = LocalEnvironmentOptions.DefaultCheckpointDirectory;
}
