using OrleansFlow.Cli;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Cli;

[Trait("Category", "Unit")]
public sealed class FaultToleranceOptionsTests
{
    [Fact]
    public void Parse_WithEveryCheckpointFlag_TheSubmissionCarriesThem()
    {
        var submission = Submit(
            "wordcount", "--input", "in.txt", "--rate", "50",
            "--checkpoint-interval", "2s", "--checkpoint-timeout", "1m", "--max-concurrent-checkpoints", "3",
            "--min-pause", "500ms", "--tolerable-checkpoint-failures", "2", "--checkpoint-mode", "at-least-once",
            "--retained-checkpoints", "4", "--restart-attempts", "5", "--restart-delay", "250ms", "--from-savepoint", "/tmp/sp-1");

        Assert.Equal(new CheckpointSettings(2_000, 60_000, 3, 500, 2, CheckpointingMode.AtLeastOnce, 4, RetainOnCancel: false), submission.Checkpointing);
        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: 5, DelayMs: 250), submission.Restart);
        Assert.Equal("/tmp/sp-1", submission.RestoreFrom);
        Assert.Equal(["--input", "in.txt", "--rate", "50"], submission.Source.Arguments);
    }

    [Fact]
    public void Parse_WithOnlyAnInterval_UsesTheDefaultsAndFlinksDefaultRestart()
    {
        var submission = Submit("window-sum", "--input", "in.csv", "--output", "out.csv", "--window", "tumbling:10s", "--checkpoint-interval", "1h");

        Assert.Equal(new CheckpointSettings(3_600_000, 600_000, 1, 0, 0, CheckpointingMode.ExactlyOnce, 1, RetainOnCancel: false), submission.Checkpointing);
        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: int.MaxValue, DelayMs: 1_000), submission.Restart);
        Assert.Null(submission.RestoreFrom);
    }

    [Fact]
    public void Parse_WithRestartAttemptsAlone_RestartsWithAOneSecondDelayWithoutCheckpointing()
    {
        var submission = Submit("wordcount", "--input", "in.txt", "--restart-attempts", "3");

        Assert.Null(submission.Checkpointing);
        Assert.Equal(new RestartStrategySettings(RestartStrategyKind.FixedDelay, MaxAttempts: 3, DelayMs: 1_000), submission.Restart);
    }

    [Fact]
    public void Parse_WithNoFlags_SubmitsNoCheckpointingAndNoRestart()
    {
        var submission = Submit("wordcount", "--input", "in.txt", "--parallelism", "3");

        Assert.Null(submission.Checkpointing);
        Assert.Equal(RestartStrategySettings.NoRestart, submission.Restart);
        Assert.Null(submission.RestoreFrom);
        Assert.Equal(3, submission.Plan.Vertices[0].Parallelism);
    }

    [Theory]
    [InlineData("error: --checkpoint-interval: 'soon' is not a duration (use e.g. 500ms, 10s, 5m, 1h).", "--checkpoint-interval", "soon")]
    [InlineData("error: --checkpoint-interval must be at least 10 ms, got '0'", "--checkpoint-interval", "0")]
    [InlineData("error: --checkpoint-interval must be at least 10 ms, got '-5s'", "--checkpoint-interval", "-5s")]
    [InlineData("error: option '--checkpoint-interval' needs a value", "--checkpoint-interval")]
    [InlineData("error: --checkpoint-timeout must be at least 10 ms, got '9ms'", "--checkpoint-interval", "1s", "--checkpoint-timeout", "9ms")]
    [InlineData("error: --max-concurrent-checkpoints must be at least 1, got '0'", "--checkpoint-interval", "1s", "--max-concurrent-checkpoints", "0")]
    [InlineData("error: --max-concurrent-checkpoints expects an integer, got 'two'", "--checkpoint-interval", "1s", "--max-concurrent-checkpoints", "two")]
    [InlineData("error: --min-pause must not be negative, got '-1s'", "--checkpoint-interval", "1s", "--min-pause", "-1s")]
    [InlineData("error: --tolerable-checkpoint-failures must not be negative, got '-1'", "--checkpoint-interval", "1s", "--tolerable-checkpoint-failures", "-1")]
    [InlineData("error: --checkpoint-mode must be exactly-once or at-least-once, got 'sometimes'", "--checkpoint-interval", "1s", "--checkpoint-mode", "sometimes")]
    [InlineData("error: --retained-checkpoints must be at least 1, got '0'", "--checkpoint-interval", "1s", "--retained-checkpoints", "0")]
    [InlineData("error: --checkpoint-timeout needs --checkpoint-interval", "--checkpoint-timeout", "1m")]
    [InlineData("error: --checkpoint-mode needs --checkpoint-interval", "--checkpoint-mode", "at-least-once")]
    [InlineData("error: --restart-attempts must not be negative, got '-1'", "--restart-attempts", "-1")]
    [InlineData("error: --restart-attempts expects an integer, got '3.5'", "--restart-attempts", "3.5")]
    [InlineData("error: --restart-delay must not be negative, got '-5s'", "--restart-attempts", "3", "--restart-delay", "-5s")]
    [InlineData("error: --restart-delay: '1 s' is not a duration (use e.g. 500ms, 10s, 5m, 1h).", "--restart-attempts", "3", "--restart-delay", "1 s")]
    [InlineData("error: --restart-delay needs --restart-attempts", "--restart-delay", "1s")]
    [InlineData("error: --from-savepoint needs a savepoint id", "--from-savepoint", " ")]
    public async Task Run_WhenAFaultToleranceFlagIsBad_ExitsWithUsageErrorNamingIt(string expected, params string[] flags)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["run", "wordcount", "--input", "in.txt", .. flags], stdout, stderr);

        Assert.Equal(CliApp.BadUsage, exit);
        Assert.Equal(expected, stderr.ToString().TrimEnd('\n'));
    }

    private static JobSubmission Submit(string job, params string[] args)
    {
        var options = RunOptions.Parse([job, .. args]);
        var env = new StreamExecutionEnvironment(executor: null);
        options.ApplyTo(env);
        return env.PrepareJobSubmission(ExampleJobs.Resolve(options.JobName), options.JobArguments, options.JobName);
    }
}
