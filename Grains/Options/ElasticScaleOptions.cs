namespace OrleansFlow.Configuration;

/// <summary>
/// How a cluster spreads running jobs over the silos it has (set with
/// <c>ISiloBuilder.UseElasticScale</c>). Per-key grains move live, with their state, through Orleans' activation
/// rebalancer; a job's tasks move through a checkpoint-aligned redeploy when a silo joins or leaves gracefully.
/// </summary>
public sealed class ElasticScaleOptions
{
    /// <summary>Whether elastic scale is on (<c>UseElasticScale</c> turns it on; off otherwise).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Whether a running job with checkpointing redeploys its tasks over the active silos when a silo joins, so the
    /// new silo gets a share (a new attempt from a checkpoint completed after the join; not counted as a failure).
    /// </summary>
    public bool RedeployOnJoin { get; set; } = true;

    /// <summary>
    /// How long a job waits after a silo joined for a checkpoint that completes after the join (so little input is
    /// read again); past it, the job redeploys from its latest completed checkpoint.
    /// </summary>
    public TimeSpan JoinCheckpointWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a silo that stops gracefully may spend moving jobs and per-key grains off itself before it deactivates
    /// what is left (Orleans' own shutdown then goes on).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the drain waits for the silo's channel readers (Orleans' pulling agents) to stop, within
    /// <see cref="DrainTimeout"/>. A reader stops after the delivery it is making, which a busy or stopped receiver can
    /// hold up to Orleans' response timeout; past this the drain goes on (a batch a late reader takes and loses with
    /// the silo is fetched again from its sender by the channel's gap repair).
    /// </summary>
    public TimeSpan ChannelReaderStopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When the activation rebalancer starts its first session after the silo started (Orleans' default: 60 s).</summary>
    public TimeSpan RebalancerDueTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time between two rebalancing cycles (Orleans' default: 15 s). Must be at least twice
    /// <see cref="LoadPublishPeriod"/>.
    /// </summary>
    public TimeSpan RebalancerCyclePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each silo publishes its activation count and memory use to the others (Orleans' default: 1 s).</summary>
    public TimeSpan LoadPublishPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a draining silo looks whether the grains it asked to move have left (default 100 ms).</summary>
    public TimeSpan DrainPollPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a grain a draining silo asked to move may stay before it is asked again (default 2 s).</summary>
    public TimeSpan MigrationRetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
