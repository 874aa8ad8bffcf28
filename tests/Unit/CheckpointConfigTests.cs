using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class CheckpointConfigTests
{
    [Fact]
    public void New_HasFlinksDefaultsAndCheckpointingOff()
    {
        var config = new StreamExecutionEnvironment(executor: null).CheckpointConfig;

        Assert.Null(config.CheckpointInterval);
        Assert.False(config.IsCheckpointingEnabled);
        Assert.Equal(TimeSpan.FromMinutes(10), config.CheckpointTimeout);
        Assert.Equal(1, config.MaxConcurrentCheckpoints);
        Assert.Equal(TimeSpan.Zero, config.MinPauseBetweenCheckpoints);
        Assert.Equal(0, config.TolerableCheckpointFailureNumber);
        Assert.Equal(CheckpointingMode.ExactlyOnce, config.Mode);
        Assert.Equal(1, config.RetainedCheckpoints);
        Assert.Equal(ExternalizedCheckpointRetention.DeleteOnCancellation, config.ExternalizedCheckpointRetention);
        Assert.Null(config.ToSettings());
    }

    [Fact]
    public void EnableCheckpointing_SetsIntervalAndMode_AndTheDefaultsGoToTheSettings()
    {
        var env = new StreamExecutionEnvironment(executor: null);

        var returned = env.EnableCheckpointing(TimeSpan.FromSeconds(5), CheckpointingMode.AtLeastOnce);

        Assert.Same(env, returned);
        Assert.True(env.CheckpointConfig.IsCheckpointingEnabled);
        Assert.Equal(
            new CheckpointSettings(5_000, 600_000, 1, 0, 0, CheckpointingMode.AtLeastOnce, 1, RetainOnCancel: false),
            env.CheckpointConfig.ToSettings());
    }

    [Fact]
    public void ToSettings_CarriesEverySetting()
    {
        var config = new CheckpointConfig
        {
            CheckpointInterval = TimeSpan.FromMilliseconds(10),
            CheckpointTimeout = TimeSpan.FromSeconds(30),
            MaxConcurrentCheckpoints = 3,
            MinPauseBetweenCheckpoints = TimeSpan.FromMilliseconds(250),
            TolerableCheckpointFailureNumber = 2,
            Mode = CheckpointingMode.AtLeastOnce,
            RetainedCheckpoints = 4,
            ExternalizedCheckpointRetention = ExternalizedCheckpointRetention.RetainOnCancellation,
        };

        Assert.Equal(new CheckpointSettings(10, 30_000, 3, 250, 2, CheckpointingMode.AtLeastOnce, 4, RetainOnCancel: true), config.ToSettings());
    }

    public static TheoryData<string, Action<CheckpointConfig>, string> InvalidSettings => new()
    {
        { "CheckpointInterval", c => c.CheckpointInterval = TimeSpan.Zero, "CheckpointConfig.CheckpointInterval must be at least 10 ms, got 0 ms." },
        { "CheckpointInterval", c => c.CheckpointInterval = TimeSpan.FromMilliseconds(-5), "CheckpointConfig.CheckpointInterval must be at least 10 ms, got -5 ms." },
        { "CheckpointInterval", c => c.CheckpointInterval = TimeSpan.FromMilliseconds(9.5), "CheckpointConfig.CheckpointInterval must be at least 10 ms, got 9.5 ms." },
        { "CheckpointTimeout", c => c.CheckpointTimeout = TimeSpan.FromMilliseconds(9), "CheckpointConfig.CheckpointTimeout must be at least 10 ms, got 9 ms." },
        { "MaxConcurrentCheckpoints", c => c.MaxConcurrentCheckpoints = 0, "CheckpointConfig.MaxConcurrentCheckpoints must be at least 1, got 0." },
        { "MinPauseBetweenCheckpoints", c => c.MinPauseBetweenCheckpoints = TimeSpan.FromMilliseconds(-1), "CheckpointConfig.MinPauseBetweenCheckpoints must not be negative, got -1 ms." },
        { "TolerableCheckpointFailureNumber", c => c.TolerableCheckpointFailureNumber = -1, "CheckpointConfig.TolerableCheckpointFailureNumber must not be negative, got -1." },
        { "Mode", c => c.Mode = (CheckpointingMode)7, "CheckpointConfig.Mode must be ExactlyOnce or AtLeastOnce, got 7." },
        { "RetainedCheckpoints", c => c.RetainedCheckpoints = 0, "CheckpointConfig.RetainedCheckpoints must be at least 1, got 0." },
        {
            "ExternalizedCheckpointRetention", c => c.ExternalizedCheckpointRetention = (ExternalizedCheckpointRetention)2,
            "CheckpointConfig.ExternalizedCheckpointRetention must be DeleteOnCancellation or RetainOnCancellation, got 2."
        },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void ToSettings_WhenASettingIsInvalid_ThrowsNamingIt(string setting, Action<CheckpointConfig> set, string message)
    {
        var config = new CheckpointConfig { CheckpointInterval = TimeSpan.FromSeconds(1) };
        set(config);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => config.ToSettings());

        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSettings_WhenCheckpointingIsOff_StillRejectsInvalidSettings()
    {
        var config = new CheckpointConfig { MaxConcurrentCheckpoints = 0 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => config.ToSettings());

        Assert.Equal("MaxConcurrentCheckpoints", error.ParamName);
    }

    [Fact]
    public void ToSettings_AtTheLimits_Accepts()
    {
        var config = new CheckpointConfig
        {
            CheckpointInterval = CheckpointConfig.MinimalCheckpointTime,
            CheckpointTimeout = CheckpointConfig.MinimalCheckpointTime,
            MaxConcurrentCheckpoints = 1,
            MinPauseBetweenCheckpoints = TimeSpan.Zero,
            TolerableCheckpointFailureNumber = 0,
            RetainedCheckpoints = 1,
        };

        Assert.Equal(new CheckpointSettings(10, 10, 1, 0, 0, CheckpointingMode.ExactlyOnce, 1, false), config.ToSettings());
    }
}
