using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace OrleansFlow.Configuration;

/// <summary>Checks <see cref="JobManagerOptions"/> when the silo starts, naming the setting that is wrong.</summary>
public sealed class JobManagerOptionsValidator(IOptions<JobManagerOptions> options, IOptions<ReminderOptions> reminders) : IConfigurationValidator
{
    private const string Name = nameof(JobManagerOptions);

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        OptionChecks.Positive(o.CancelWait, Name, nameof(o.CancelWait), allowZero: true);
        OptionChecks.Positive(o.MetricsWait, Name, nameof(o.MetricsWait));
        OptionChecks.Positive(o.DeployTimeout, Name, nameof(o.DeployTimeout));
        OptionChecks.Positive(o.WatchdogPeriod, Name, nameof(o.WatchdogPeriod));
        OptionChecks.Positive(o.StalledRestartAfter, Name, nameof(o.StalledRestartAfter));
        OptionChecks.Positive(o.JoinPollPeriod, Name, nameof(o.JoinPollPeriod));
        OptionChecks.Positive(o.RedeployGrace, Name, nameof(o.RedeployGrace), allowZero: true);
        if (o.PoisonousJobSiloDeaths < 0)
        {
            throw new OrleansConfigurationException($"{Name}.{nameof(o.PoisonousJobSiloDeaths)} must be 0 (off) or more, got {o.PoisonousJobSiloDeaths}.");
        }

        if (o.WatchdogReminderPeriod < reminders.Value.MinimumReminderPeriod)
        {
            throw new OrleansConfigurationException(
                $"{Name}.{nameof(o.WatchdogReminderPeriod)} must be at least the reminders' least period ({reminders.Value.MinimumReminderPeriod}), got {o.WatchdogReminderPeriod}.");
        }
    }
}
