using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

[Trait("Category", "Unit")]
public sealed class ClusterTargetTests
{
    [Fact]
    public void Parse_WithoutFlags_TargetsTheLocalSiloWithTheDefaultIds()
    {
        var (target, operands, switches) = ClusterTarget.Parse(["job1", "Window Sum", "w7"]);

        Assert.Null(target.Redis);
        Assert.Equal(ClusterTarget.DefaultGatewayPort, target.GatewayPort);
        Assert.Equal(RunOptions.DefaultId, target.ClusterId);
        Assert.Equal(["job1", "Window Sum", "w7"], operands);
        Assert.Empty(switches);
    }

    [Fact]
    public void Parse_WithClusterAndIds_KeepsOperandsInOrder()
    {
        var (target, operands, _) = ClusterTarget.Parse(["--cluster", "redis:6379", "job1", "--cluster-id", "c", "--service-id", "s"]);

        Assert.Equal(new ClusterTarget("redis:6379", ClusterTarget.DefaultGatewayPort, "c", "s"), target);
        Assert.Equal(["job1"], operands);
    }

    [Fact]
    public void Parse_WithToken_KeepsItOutOfTheOperandsAndSendsItWithTheJobCommands()
    {
        var (target, operands, _) = ClusterTarget.Parse(["job1", "--token", "s3cret", "--gateway-port", "30001"]);

        Assert.Equal("s3cret", target.Token);
        Assert.Equal(["job1"], operands);
        Assert.Equal("s3cret", JobCommandOptions.Parse("stop", ["job1", "--savepoint", "--token", "s3cret"]).Target.Token);
    }

    [Theory]
    [InlineData(new[] { "--token", " " }, "--token must not be empty")]
    [InlineData(new[] { "--gateway-port", "0" }, "--gateway-port expects a port number (1-65535), got '0'")]
    [InlineData(new[] { "--gateway-port", "x" }, "--gateway-port expects a port number (1-65535), got 'x'")]
    [InlineData(new[] { "--verbose" }, "unknown option '--verbose'")]
    [InlineData(new[] { "--cluster" }, "option '--cluster' needs a value")]
    [InlineData(new[] { "--service-id", "" }, "--service-id must not be empty")]
    public void Parse_WhenAFlagIsWrong_SaysWhich(string[] args, string message)
    {
        Assert.Equal(message, Assert.Throws<UsageException>(() => ClusterTarget.Parse(args)).Message);
    }

    [Theory]
    [InlineData(new[] { "list", "extra" }, "error: 'list' takes no operands, got 'extra'")]
    [InlineData(new[] { "status" }, "error: 'status' needs a job id")]
    [InlineData(new[] { "state", "job1", "Sum" }, "error: 'state' needs a job id, an operator name (or uid) and a key")]
    public async Task JobCommands_WithTheWrongOperands_AreUsageErrors(string[] args, string message)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(CliApp.BadUsage, await CliApp.RunAsync(args, stdout, stderr));
        Assert.Equal(message, stderr.ToString().TrimEnd());
    }
}
