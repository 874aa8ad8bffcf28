using Microsoft.Extensions.Options;
using Orleans.Hosting;
using OrleansFlow.Configuration;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>The job managers' settings are checked when a silo starts, and a wrong one is named.</summary>
[Trait("Category", "Unit")]
public sealed class JobManagerOptionsValidatorTests
{
    [Fact]
    public void Validate_TheDefaults_PassWithOrleansDefaultReminderPeriod()
    {
        Validator(new JobManagerOptions()).ValidateConfiguration();
    }

    [Fact]
    public void Validate_AZeroDeployTimeout_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(new JobManagerOptions { DeployTimeout = TimeSpan.Zero }).ValidateConfiguration());

        Assert.Equal("JobManagerOptions.DeployTimeout must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeCancelWait_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(new JobManagerOptions { CancelWait = TimeSpan.FromSeconds(-1) }).ValidateConfiguration());

        Assert.Equal("JobManagerOptions.CancelWait must be zero or positive, got -00:00:01.", error.Message);
    }

    [Fact]
    public void Validate_ANegativePoisonousJobSiloDeaths_FailsNamingTheSettingWhileZeroTurnsTheGuardOff()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(new JobManagerOptions { PoisonousJobSiloDeaths = -1 }).ValidateConfiguration());

        Assert.Equal("JobManagerOptions.PoisonousJobSiloDeaths must be 0 (off) or more, got -1.", error.Message);
        Validator(new JobManagerOptions { PoisonousJobSiloDeaths = 0 }).ValidateConfiguration();
    }

    [Fact]
    public void Validate_AReminderPeriodBelowTheRemindersLeastPeriod_FailsNamingBoth()
    {
        var options = new JobManagerOptions { WatchdogReminderPeriod = TimeSpan.FromSeconds(30) };

        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(options).ValidateConfiguration());

        Assert.Equal("JobManagerOptions.WatchdogReminderPeriod must be at least the reminders' least period (00:01:00), got 00:00:30.", error.Message);
    }

    [Fact]
    public void Validate_AShortReminderPeriod_PassesWhenTheRemindersAllowIt()
    {
        var options = new JobManagerOptions { WatchdogReminderPeriod = TimeSpan.FromSeconds(30) };

        new JobManagerOptionsValidator(Options.Create(options), Options.Create(new ReminderOptions { MinimumReminderPeriod = TimeSpan.FromSeconds(1) })).ValidateConfiguration();
    }

    private static JobManagerOptionsValidator Validator(JobManagerOptions options) =>
        new(Options.Create(options), Options.Create(new ReminderOptions()));
}
