namespace OrleansFlow.Tests.Fixtures.Grains;

/// <summary>A grain that registers a reminder and counts its ticks.</summary>
[Alias("flow.tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) reminder <paramref name="name"/>.</summary>
    [Alias("Start")]
    Task StartAsync(string name, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken);

    /// <summary>The names of this grain's registered reminders, as the reminder service lists them.</summary>
    [Alias("List")]
    Task<string[]> ListAsync(CancellationToken cancellationToken);

    /// <summary>Unregisters every reminder of this grain.</summary>
    [Alias("Stop")]
    Task StopAsync(CancellationToken cancellationToken);
}
