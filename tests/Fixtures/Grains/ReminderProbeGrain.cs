namespace OrleansFlow.Tests.Fixtures.Grains;

/// <summary>Counts reminder ticks in <see cref="Probe"/> under the grain's key (the test cluster runs in this process).</summary>
[GrainType("flow.tests.reminder-probe")]
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public Task StartAsync(string name, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken) =>
        this.RegisterOrUpdateReminder(name, dueTime, period, cancellationToken);

    public async Task<string[]> ListAsync(CancellationToken cancellationToken) =>
        [.. (await this.GetReminders(cancellationToken)).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var reminder in await this.GetReminders(cancellationToken))
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Probe.Of(this.GetPrimaryKeyString()).Enqueue(status.CurrentTickTime.Ticks);
        return Task.CompletedTask;
    }
}
