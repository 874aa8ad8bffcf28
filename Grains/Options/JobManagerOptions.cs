namespace OrleansFlow.Configuration;

/// <summary>
/// How a job manager drives its job: how long it waits for tasks, how its watchdogs look for a job left standing
/// still, and when the checkpoint coordinator's reminder wakes a job manager lost with its silo. The defaults suit
/// most clusters; every silo of a cluster should use the same values.
/// </summary>
public sealed class JobManagerOptions
{
    /// <summary>
    /// How long cancelling the tasks of an attempt may hold up a restart or a cancellation (default 1 s; a live task
    /// confirms in milliseconds). The calls go on after it: a call to a task whose silo died was measured to take 5 s,
    /// or Orleans' 30 s response timeout, and there is nothing on a dead silo to wait for.
    /// </summary>
    public TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a metrics read waits for one task or the checkpoint coordinator (default 1 s).</summary>
    public TimeSpan MetricsWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long deploying an attempt's tasks (restoring their state included) may take before the attempt counts as failed (default 15 s).</summary>
    public TimeSpan DeployTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the job manager's watchdog looks for a restart that is not under way (default 1 s).</summary>
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a job may be Restarting with no restart scheduled or running before the watchdog restarts it (default 5 s).</summary>
    public TimeSpan StalledRestartAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a job waiting for a checkpoint after a silo joined looks whether one completed (default 100 ms).</summary>
    public TimeSpan JoinPollPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long after a draining silo's time limit (<see cref="ElasticScaleOptions.DrainTimeout"/>) a job still
    /// awaiting its redeploy restarts from its latest checkpoint instead (default 5 s).
    /// </summary>
    public TimeSpan RedeployGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many attempts that coincide with a silo's death (the attempt failed because a silo died, or a silo died while
    /// it deployed or ran, before it completed a checkpoint), with no checkpoint completed in between, make a job
    /// poisonous: it is Failed with that reason and never redeployed, so that the silos that come back stay up
    /// (default 3; 0 turns the guard off). See <c>PoisonousJobGuard</c>.
    /// </summary>
    public int PoisonousJobSiloDeaths { get; set; } = 3;

    /// <summary>
    /// Period of the checkpoint coordinator's reminder (default 1 min, Orleans' least reminder period): the durable
    /// wake-up of a job whose job manager was lost with its silo when nothing else (a silo-death notice, a task, a
    /// client) wakes it.
    /// </summary>
    public TimeSpan WatchdogReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
