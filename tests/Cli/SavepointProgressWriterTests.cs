using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Cli;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Cli;

/// <summary>The progress lines of <c>flow savepoint</c> and <c>flow stop</c>.</summary>
[Trait("Category", "Unit")]
public sealed class SavepointProgressWriterTests
{
    [Fact]
    public void Report_WritesEachPhasesFirstReportAtOnceAndThenAtMostOneLinePerPeriod()
    {
        var time = new FakeTimeProvider();
        using var stderr = new StringWriter();
        var writer = new SavepointProgressWriter(stderr, TimeSpan.FromSeconds(2), time);

        writer.Report(new SavepointProgress("j1", 7, SavepointPhase.InProgress, TimeSpan.FromMilliseconds(50)));
        time.Advance(TimeSpan.FromSeconds(1));
        writer.Report(new SavepointProgress("j1", 7, SavepointPhase.InProgress, TimeSpan.FromSeconds(1)));
        time.Advance(TimeSpan.FromSeconds(1));
        writer.Report(new SavepointProgress("j1", 7, SavepointPhase.InProgress, TimeSpan.FromSeconds(2)));
        writer.Report(new SavepointProgress("j1", 7, SavepointPhase.StoppingJob, TimeSpan.FromSeconds(2.5), JobStatus.Running));
        writer.Report(new SavepointProgress("j1", 7, SavepointPhase.StoppingJob, TimeSpan.FromSeconds(2.6), JobStatus.Running));

        Assert.Equal(
            [
                "job j1: savepoint 7 in progress (0.1 s)",
                "job j1: savepoint 7 in progress (2.0 s)",
                "job j1: savepoint 7 completed, waiting for the job to stop: Running (2.5 s)",
            ],
            stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("savepoint", new[] { "job1", "--progress", "--cluster", "h:1" })]
    [InlineData("stop", new[] { "job1", "--savepoint", "--progress" })]
    public void Parse_WithProgress_TurnsItOn(string command, string[] args)
    {
        Assert.True(JobCommandOptions.Parse(command, args).Progress);
    }
}
