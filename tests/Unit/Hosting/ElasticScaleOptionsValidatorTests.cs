using Microsoft.Extensions.Options;
using OrleansFlow.Configuration;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>The elastic-scale settings are checked when a silo starts, and a wrong one is named.</summary>
[Trait("Category", "Unit")]
public sealed class ElasticScaleOptionsValidatorTests
{
    [Fact]
    public void Validate_TheDefaults_Passes()
    {
        new ElasticScaleOptionsValidator(Options.Create(new ElasticScaleOptions())).ValidateConfiguration();
    }

    [Fact]
    public void Validate_ANegativeChannelReaderStopTimeout_FailsNamingTheSetting()
    {
        var options = new ElasticScaleOptions { ChannelReaderStopTimeout = TimeSpan.FromSeconds(-1) };

        var error = Assert.Throws<OrleansConfigurationException>(() => new ElasticScaleOptionsValidator(Options.Create(options)).ValidateConfiguration());

        Assert.Equal("ElasticScaleOptions.ChannelReaderStopTimeout must be zero or positive, got -00:00:01.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeDrainTimeout_FailsNamingTheSetting()
    {
        var options = new ElasticScaleOptions { DrainTimeout = TimeSpan.FromSeconds(-5) };

        var error = Assert.Throws<OrleansConfigurationException>(() => new ElasticScaleOptionsValidator(Options.Create(options)).ValidateConfiguration());

        Assert.StartsWith("ElasticScaleOptions.DrainTimeout must be zero or positive", error.Message);
    }

    [Fact]
    public void Validate_AZeroDrainPollPeriod_FailsNamingTheSetting()
    {
        var options = new ElasticScaleOptions { DrainPollPeriod = TimeSpan.Zero };

        var error = Assert.Throws<OrleansConfigurationException>(() => new ElasticScaleOptionsValidator(Options.Create(options)).ValidateConfiguration());

        Assert.Equal("ElasticScaleOptions.DrainPollPeriod must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeMigrationRetryAfter_FailsNamingTheSetting()
    {
        var options = new ElasticScaleOptions { MigrationRetryAfter = TimeSpan.FromSeconds(-2) };

        var error = Assert.Throws<OrleansConfigurationException>(() => new ElasticScaleOptionsValidator(Options.Create(options)).ValidateConfiguration());

        Assert.Equal("ElasticScaleOptions.MigrationRetryAfter must be positive, got -00:00:02.", error.Message);
    }
}
