using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

[Trait("Category", "Unit")]
public sealed class RunTokenOptionsTests
{
    [Fact]
    public void Parse_WithToken_KeepsItOutOfTheJobArgumentsAndSetsItOnTheEnvironment()
    {
        var options = RunOptions.Parse(["wordcount", "--input", "in.txt", "--token", "s3cret"]);
        var env = new StreamExecutionEnvironment(null);
        options.ApplyTo(env);

        Assert.Equal("s3cret", options.Token);
        Assert.Equal(["--input", "in.txt"], options.JobArguments);
        Assert.Equal("s3cret", env.SubmissionToken);
    }

    [Fact]
    public void Parse_WithAnEmptyToken_IsAUsageError()
    {
        Assert.Equal("--token must not be empty", Assert.Throws<UsageException>(() => RunOptions.Parse(["wordcount", "--token", " "])).Message);
    }
}
