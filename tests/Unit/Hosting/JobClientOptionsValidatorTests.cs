using Microsoft.Extensions.Options;
using OrleansFlow.Configuration;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>A job client's polling settings are checked when the client starts, and a wrong one is named.</summary>
[Trait("Category", "Unit")]
public sealed class JobClientOptionsValidatorTests
{
    [Fact]
    public void Validate_TheDefaults_Passes()
    {
        Validate(new JobClientOptions());
    }

    [Fact]
    public void Validate_AZeroStatusPollInterval_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new JobClientOptions { StatusPollInterval = TimeSpan.Zero }));

        Assert.Equal("JobClientOptions.StatusPollInterval must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeSavepointPollInterval_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new JobClientOptions { SavepointPollInterval = TimeSpan.FromMilliseconds(-50) }));

        Assert.Equal("JobClientOptions.SavepointPollInterval must be positive, got -00:00:00.0500000.", error.Message);
    }

    [Fact]
    public void Validate_AZeroStopPollInterval_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new JobClientOptions { StopPollInterval = TimeSpan.Zero }));

        Assert.Equal("JobClientOptions.StopPollInterval must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_AZeroCallRetryPause_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new JobClientOptions { CallRetryPause = TimeSpan.Zero }));

        Assert.Equal("JobClientOptions.CallRetryPause must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeUnreachableTimeout_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new JobClientOptions { UnreachableTimeout = TimeSpan.FromMinutes(-1) }));

        Assert.Equal("JobClientOptions.UnreachableTimeout must be zero or positive, got -00:01:00.", error.Message);
    }

    private static void Validate(JobClientOptions options) => new JobClientOptionsValidator(Options.Create(options)).ValidateConfiguration();
}
