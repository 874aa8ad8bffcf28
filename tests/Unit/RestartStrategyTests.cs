using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class RestartStrategyTests
{
    [Fact]
    public void FixedDelay_ToSettings_CarriesAttemptsAndDelay()
    {
        var settings = RestartStrategy.FixedDelay(3, TimeSpan.FromSeconds(10)).ToSettings();

        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: 3, DelayMs: 10_000), settings);
    }

    [Fact]
    public void FailureRate_ToSettings_CarriesMaximumIntervalAndDelay()
    {
        var settings = RestartStrategy.FailureRate(3, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10)).ToSettings();

        Assert.Equal(
            new RestartStrategySettings(RestartStrategyKind.FailureRate, MaxAttempts: 0, DelayMs: 10_000, MaxFailuresPerInterval: 3, FailureRateIntervalMs: 300_000),
            settings);
    }

    [Fact]
    public void NoRestart_ToSettings_IsNoRestart()
    {
        Assert.Equal(RestartStrategySettings.NoRestart, RestartStrategy.NoRestart().ToSettings());
    }

    [Fact]
    public void Resolve_WhenNoneSetAndCheckpointingIsOn_IsFixedDelayWithUnlimitedAttemptsAndOneSecond()
    {
        Assert.Equal(
            new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: int.MaxValue, DelayMs: 1_000),
            RestartStrategy.Resolve(null, checkpointingEnabled: true));
    }

    [Fact]
    public void Resolve_WhenNoneSetAndCheckpointingIsOff_IsNoRestart()
    {
        Assert.Equal(RestartStrategySettings.NoRestart, RestartStrategy.Resolve(null, checkpointingEnabled: false));
    }

    [Fact]
    public void Resolve_WhenOneIsSet_UsesItWhateverTheCheckpointing()
    {
        var strategy = RestartStrategy.FixedDelay(2, TimeSpan.Zero);

        Assert.Equal(strategy.ToSettings(), RestartStrategy.Resolve(strategy, checkpointingEnabled: true));
        Assert.Equal(strategy.ToSettings(), RestartStrategy.Resolve(strategy, checkpointingEnabled: false));
        Assert.Equal(RestartStrategySettings.NoRestart, RestartStrategy.Resolve(RestartStrategy.NoRestart(), checkpointingEnabled: true));
    }

    public static TheoryData<RestartStrategy, string, string> InvalidStrategies => new()
    {
        { RestartStrategy.FixedDelay(-1, TimeSpan.FromSeconds(1)), "RestartAttempts", "RestartStrategy.FixedDelay.RestartAttempts must not be negative, got -1." },
        { RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(-1)), "Delay", "RestartStrategy.FixedDelay.Delay must not be negative, got -1 ms." },
        { RestartStrategy.FailureRate(0, TimeSpan.FromMinutes(1), TimeSpan.Zero), "MaxFailuresPerInterval", "RestartStrategy.FailureRate.MaxFailuresPerInterval must be at least 1, got 0." },
        { RestartStrategy.FailureRate(3, TimeSpan.Zero, TimeSpan.Zero), "FailureRateInterval", "RestartStrategy.FailureRate.FailureRateInterval must be at least 1 ms, got 0 ms." },
        { RestartStrategy.FailureRate(3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(-2)), "Delay", "RestartStrategy.FailureRate.Delay must not be negative, got -2000 ms." },
    };

    [Theory]
    [MemberData(nameof(InvalidStrategies))]
    public void ToSettings_WhenAValueIsInvalid_ThrowsNamingIt(RestartStrategy strategy, string setting, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => strategy.ToSettings());

        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSettings_WithZeroAttemptsAndZeroDelay_Accepts()
    {
        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, 0, 0), RestartStrategy.FixedDelay(0, TimeSpan.Zero).ToSettings());
    }
}
