using OrleansFlow.Cli;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Cli;

/// <summary>The command lines of savepoints: flow savepoint, flow stop, and run's restore and interrupt flags.</summary>
[Trait("Category", "Unit")]
public sealed class SavepointCommandsTests
{
    [Fact]
    public void Savepoint_WithJobAndCluster_ReadsThem()
    {
        var options = JobCommandOptions.Parse("savepoint", ["abc123", "--cluster", "127.0.0.1:6379", "--cluster-id", "c1", "--service-id", "s1"]);

        Assert.Equal("abc123", options.JobId);
        Assert.Equal("127.0.0.1:6379", options.Target.Redis);
        Assert.Equal("c1", options.Target.ClusterId);
        Assert.Equal("s1", options.Target.ServiceId);
    }

    [Fact]
    public void Stop_WithSavepointFlag_ReadsTheJobAndUsesTheDefaultIds()
    {
        var options = JobCommandOptions.Parse("stop", ["abc123", "--savepoint", "--cluster", "redis:6379"]);

        Assert.Equal("abc123", options.JobId);
        Assert.Equal("redis:6379", options.Target.Redis);
        Assert.Equal(RunOptions.DefaultId, options.Target.ClusterId);
        Assert.Equal(RunOptions.DefaultId, options.Target.ServiceId);
    }

    [Fact]
    public void Stop_WithoutCluster_TargetsTheLocalSiloGateway()
    {
        var options = JobCommandOptions.Parse("stop", ["abc123", "--savepoint", "--gateway-port", "30100"]);

        Assert.Null(options.Target.Redis);
        Assert.Equal(30100, options.Target.GatewayPort);
    }

    [Theory]
    [InlineData("savepoint", new[] { "--cluster", "h:1" }, "'savepoint' needs a job id ('flow list' shows them; flow run --cluster prints it)")]
    [InlineData("stop", new[] { "job1", "job2" }, "unexpected argument 'job2' for 'stop'")]
    [InlineData("savepoint", new[] { "job1", "--cluster", "h:1", "--savepoint" }, "unknown option '--savepoint'")]
    [InlineData("stop", new[] { "job1", "--cluster", "h:1", "--gateway-port", "1" }, "--gateway-port is for a local silo; with --cluster the silos are found through Redis")]
    [InlineData("savepoint", new[] { "job1", "--cluster" }, "option '--cluster' needs a value")]
    [InlineData("savepoint", new[] { "job1", "--connect-timeout", "0s" }, "--connect-timeout must be positive, got '0s'")]
    [InlineData("stop", new[] { "job1", "--connect-timeout", "soon" }, "--connect-timeout: 'soon' is not a duration (use e.g. 500ms, 10s, 5m, 1h).")]
    public void JobCommands_WhenTheCommandLineIsWrong_SayWhat(string command, string[] args, string message)
    {
        var error = Assert.Throws<UsageException>(() => JobCommandOptions.Parse(command, args));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Savepoint_WhenNoSiloAnswers_IsAOneLineErrorNamingWhereItLooked()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["savepoint", "job1", "--gateway-port", "1", "--connect-timeout", "1s"], stdout, stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        Assert.StartsWith("error: cannot reach an OrleansFlow cluster at localhost:1 (start one with 'flow silo'", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("no silo answered within 1 s", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FromSavepointAllowingNonRestoredState_TheSubmissionCarriesBoth()
    {
        var submission = Submit("wordcount", "--input", "in.txt", "--checkpoint-interval", "1s", "--from-savepoint", "savepoint-j-7", "--allow-non-restored-state");

        Assert.Equal("savepoint-j-7", submission.RestoreFrom);
        Assert.True(submission.AllowNonRestoredState);
        Assert.Equal(["--input", "in.txt"], submission.Source.Arguments);
    }

    [Fact]
    public void Run_FromSavepointAlone_DoesNotDropState()
    {
        var submission = Submit("wordcount", "--input", "in.txt", "--from-savepoint", "savepoint-j-7");

        Assert.Equal("savepoint-j-7", submission.RestoreFrom);
        Assert.False(submission.AllowNonRestoredState);
    }

    [Fact]
    public void Run_WithSavepointOnInterrupt_IsReadAndNotPassedToTheJob()
    {
        var options = RunOptions.Parse(["wordcount", "--input", "in.txt", "--checkpoint-interval", "1s", "--savepoint-on-interrupt"]);

        Assert.True(options.FaultTolerance.SavepointOnInterrupt);
        Assert.Equal(["--input", "in.txt"], options.JobArguments);
    }

    [Theory]
    [InlineData(new[] { "--allow-non-restored-state" }, "--allow-non-restored-state needs --from-savepoint")]
    [InlineData(new[] { "--savepoint-on-interrupt" }, "--savepoint-on-interrupt needs --checkpoint-interval (savepoints travel as checkpoint barriers)")]
    [InlineData(new[] { "--from-savepoint", " " }, "--from-savepoint needs a savepoint id")]
    public void Run_WhenASavepointFlagLacksWhatItNeeds_NamesIt(string[] flags, string message)
    {
        var error = Assert.Throws<UsageException>(() => RunOptions.Parse(["wordcount", "--input", "in.txt", .. flags]));

        Assert.Equal(message, error.Message);
    }

    private static JobSubmission Submit(string job, params string[] args)
    {
        var options = RunOptions.Parse([job, .. args]);
        var env = new StreamExecutionEnvironment(executor: null);
        options.ApplyTo(env);
        return env.PrepareJobSubmission(ExampleJobs.Resolve(options.JobName), options.JobArguments, options.JobName);
    }
}
