using Microsoft.Extensions.Options;
using OrleansFlow.Configuration;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>The channel settings are checked when <c>AddOrleansFlow</c> configures the channels' streams, and a wrong one is named.</summary>
[Trait("Category", "Unit")]
public sealed class ChannelOptionsValidatorTests
{
    [Fact]
    public void Validate_TheDefaults_Passes()
    {
        Validate(new ChannelOptions());
    }

    [Fact]
    public void Validate_NoQueuePartitions_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new ChannelOptions { QueuePartitions = 0 }));

        Assert.Equal("ChannelOptions.QueuePartitions must be positive, got 0.", error.Message);
    }

    [Fact]
    public void Validate_AZeroPollPeriod_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new ChannelOptions { PollPeriod = TimeSpan.Zero }));

        Assert.Equal("ChannelOptions.PollPeriod must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ACacheMaxAgeBelowTheMinAge_FailsNamingBoth()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new ChannelOptions { CacheMaxAge = TimeSpan.FromMilliseconds(500) }));

        Assert.Equal("ChannelOptions.CacheMaxAge must be at least CacheMinAge (00:00:01), got 00:00:00.5000000.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeCacheMetadataMinAge_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new ChannelOptions { CacheMetadataMinAge = TimeSpan.FromSeconds(-1) }));

        Assert.Equal("ChannelOptions.CacheMetadataMinAge must be positive, got -00:00:01.", error.Message);
    }

    private static void Validate(ChannelOptions options) => new ChannelOptionsValidator(Options.Create(options)).ValidateConfiguration();
}
