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
}
