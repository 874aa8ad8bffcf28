using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Planning;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Planning;

[Trait("Category", "Unit")]
public sealed class JobSubmissionsTests
{
    [Fact]
    public void PrepareJobSubmission_WithoutCheckpointing_CarriesNoCheckpointingNoRestartAndNoRestore()
    {
        var env = NewEnvironment();

        var submission = env.PrepareJobSubmission(typeof(ExplodingMapJob), ["-1"], jobName: null);

        Assert.Null(submission.Checkpointing);
        Assert.Equal(RestartStrategySettings.NoRestart, submission.Restart);
        Assert.Null(submission.RestoreFrom);
    }

    [Fact]
    public void PrepareJobSubmission_CarriesTheEnvironmentsCheckpointingRestartAndRestore()
    {
        var env = NewEnvironment()
            .EnableCheckpointing(TimeSpan.FromSeconds(2))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(500)))
            .RestoreFrom("/savepoints/sp-7");
        env.CheckpointConfig.CheckpointTimeout = TimeSpan.FromMinutes(1);
        env.CheckpointConfig.MaxConcurrentCheckpoints = 2;
        env.CheckpointConfig.MinPauseBetweenCheckpoints = TimeSpan.FromMilliseconds(100);
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 5;
        env.CheckpointConfig.RetainedCheckpoints = 2;
        env.CheckpointConfig.ExternalizedCheckpointRetention = ExternalizedCheckpointRetention.RetainOnCancellation;

        var submission = env.PrepareJobSubmission(typeof(ExplodingMapJob), ["-1"], jobName: null);

        Assert.Equal(new CheckpointSettings(2_000, 60_000, 2, 100, 5, CheckpointingMode.ExactlyOnce, 2, RetainOnCancel: true), submission.Checkpointing);
        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: 3, DelayMs: 500), submission.Restart);
        Assert.Equal("/savepoints/sp-7", submission.RestoreFrom);
    }

    [Fact]
    public void PrepareJobSubmission_WhenCheckpointingIsOnWithoutAStrategy_UsesFlinksDefaultRestart()
    {
        var env = NewEnvironment().EnableCheckpointing(TimeSpan.FromSeconds(1));

        var submission = env.PrepareJobSubmission(typeof(ExplodingMapJob), ["-1"], jobName: null);

        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: int.MaxValue, DelayMs: 1_000), submission.Restart);
    }

    [Fact]
    public void PrepareJobSubmission_WhenTheJobsBuildSetsCheckpointing_ItOverridesTheSubmittingEnvironment()
    {
        var env = NewEnvironment().EnableCheckpointing(TimeSpan.FromSeconds(2)).RestoreFrom("sp-1");
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 4;

        var submission = env.PrepareJobSubmission(typeof(SelfCheckpointingJob), [], jobName: null);

        Assert.Equal(new CheckpointSettings(30_000, 600_000, 1, 0, 4, CheckpointingMode.AtLeastOnce, 3, RetainOnCancel: false), submission.Checkpointing);
        Assert.Equal(
            new RestartStrategySettings(RestartStrategyKind.FailureRate, 0, DelayMs: 5_000, MaxFailuresPerInterval: 2, FailureRateIntervalMs: 60_000),
            submission.Restart);
        Assert.Equal("sp-1", submission.RestoreFrom);
        Assert.Equal(TimeSpan.FromSeconds(2), env.CheckpointConfig.CheckpointInterval);
    }

    [Fact]
    public void PrepareJobSubmission_WhenASettingIsInvalid_FailsAtSubmissionNamingIt()
    {
        var env = NewEnvironment().EnableCheckpointing(TimeSpan.FromSeconds(1));
        env.CheckpointConfig.RetainedCheckpoints = 0;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.PrepareJobSubmission(typeof(ExplodingMapJob), ["-1"], jobName: null));

        Assert.Equal("RetainedCheckpoints", error.ParamName);
        Assert.StartsWith("CheckpointConfig.RetainedCheckpoints must be at least 1, got 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrepareJobSubmission_WhenTheRestartStrategyIsInvalid_FailsAtSubmissionNamingIt()
    {
        var env = NewEnvironment().SetRestartStrategy(RestartStrategy.FixedDelay(-3, TimeSpan.FromSeconds(1)));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.PrepareJobSubmission(typeof(ExplodingMapJob), ["-1"], jobName: null));

        Assert.Equal("RestartAttempts", error.ParamName);
    }

    [Fact]
    public void Create_ForAGraphBuiltInThisProcess_CarriesTheEnvironmentsSettings()
    {
        var env = NewEnvironment().EnableCheckpointing(TimeSpan.FromMilliseconds(250), CheckpointingMode.AtLeastOnce).RestoreFrom("chk-42");
        env.FromSequence(0, 9).Collect();
        var source = new JobSource(JobTypeName: null, Arguments: [], LocalGraphId: "local-1");

        var submission = JobSubmissions.Create("local-1", "local", source, new JobGraphBuilder.BuiltGraph(env.Transformations, env));

        Assert.Equal(new CheckpointSettings(250, 600_000, 1, 0, 0, CheckpointingMode.AtLeastOnce, 1, RetainOnCancel: false), submission.Checkpointing);
        Assert.Equal(RestartStrategy.Resolve(null, checkpointingEnabled: true), submission.Restart);
        Assert.Equal("chk-42", submission.RestoreFrom);
        Assert.Equal(ExecutionSettings.Default, submission.Settings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void RestoreFrom_WhenEmpty_Throws(string target)
    {
        Assert.ThrowsAny<ArgumentException>(() => NewEnvironment().RestoreFrom(target));
    }

    private static StreamExecutionEnvironment NewEnvironment() => new StreamExecutionEnvironment(executor: null).SetParallelism(2);
}
