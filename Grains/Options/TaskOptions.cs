namespace OrleansFlow.Configuration;

/// <summary>
/// Timing of a job's tasks on a silo (set with <c>ISiloBuilder.Configure&lt;TaskOptions&gt;</c>; every silo of a
/// cluster should use the same values).
/// </summary>
public sealed class TaskOptions
{
    /// <summary>
    /// How long a task holds input that arrived in small pieces before it processes what it has (default 25 ms); this
    /// bounds the latency such input adds.
    /// </summary>
    public TimeSpan InputLinger { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How often a deployed task's keep-alive timer fires so Orleans does not collect it while it waits for input (default 1 min).</summary>
    public TimeSpan KeepAlivePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a task retries a report to its job manager (finished, failed) that a silo's death lost, before it
    /// gives up (default 60 s): long enough for the job manager to come back on another silo.
    /// </summary>
    public TimeSpan JobManagerReportTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
