namespace OrleansFlow.Configuration;

/// <summary>
/// How often a <c>JobClient</c> asks the cluster about a job it waits for (set with
/// <c>IClientBuilder.Configure&lt;JobClientOptions&gt;</c>, or on the silo for the embedded environment).
/// </summary>
public sealed class JobClientOptions
{
    /// <summary>
    /// How long one call waiting for a job to end may wait in the job manager before it answers with the current status
    /// (default 5 s); the client then calls again. Shorter notices a lost job manager sooner, at more calls.
    /// </summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client reads a savepoint's progress while it is written (default 50 ms).</summary>
    public TimeSpan SavepointPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the client reads a job's status while it stops after its savepoint (default 2 s).</summary>
    public TimeSpan StopPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a call that failed because a silo or the client's gateway went away is tried again (default 30 s),
    /// every <see cref="CallRetryPause"/>; errors the grain itself raised are never retried.
    /// </summary>
    public TimeSpan CallRetryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause before such a call is tried again (default 250 ms).</summary>
    public TimeSpan CallRetryPause { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a client waiting for a job's end keeps trying a cluster that does not answer before it gives up
    /// (default 2 min): long enough for a job manager to come back on another silo.
    /// </summary>
    public TimeSpan UnreachableTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one wait for a job's end may take beyond <see cref="StatusPollInterval"/> before it is given up and
    /// made again (default 5 s): a wait whose job manager died with its silo may otherwise get no answer at all.
    /// </summary>
    public TimeSpan PollGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause before such a wait is made again (default 500 ms).</summary>
    public TimeSpan PollRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
