using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class OperatorsClusterTests(FlowClusterFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-ops-").FullName;

    [Fact]
    public async Task Process_WithValueListMapStateAndEventTimers_FiresTimersInTimeOrderAtEndOfInput()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<ProcessFunctionJob>(cancellationToken: TestTimeouts.JobToken());
        await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        var output = await job.ReadCollectedAsync<string>("out");

        // Per key, records keep their order; timers (one per distinct time, deduplicated) fire when the watermark
        // jumps to its maximum at end of input, in time order, after all records.
        Assert.Equal(["a seen 1", "a seen 2", "a seen 3", "a timer 1 count 3 values 3+1+3", "a timer 3 count 3 values 3+1+3"], output.Where(l => l[0] == 'a'));
        Assert.Equal(["b seen 1", "b seen 2", "b timer 2 count 2 values 5+2", "b timer 5 count 2 values 5+2"], output.Where(l => l[0] == 'b'));
        Assert.Equal(3L, await job.QueryStateAsync<string, long>("Counter", "a", "count"));
        var parity = await job.QueryStateAsync<string, Dictionary<string, long>>("Counter", "a", "byParity");
        Assert.Equal(new Dictionary<string, long> { ["odd"] = 7 }, parity);
        Assert.Equal([5L, 2L], await job.QueryStateAsync<string, List<long>>("Counter", "b", "values"));
    }

    [Fact]
    public async Task RollingAggregations_OverAUnion_FollowFlinkSemantics()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<AggregationsJob>(cancellationToken: TestTimeouts.JobToken());
        await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        var min = await job.ReadCollectedAsync<(string, long, string)>("min");
        var max = await job.ReadCollectedAsync<(string, long, string)>("max");
        var maxBy = await job.ReadCollectedAsync<(string, long, string)>("maxBy");

        // Union gives no order across inputs, so compare final values; min/max keep the first record's other
        // fields (Flink's min/max), maxBy keeps the whole record holding the maximum.
        Assert.Equal(2L, min.Last(r => r.Item1 == "x").Item2);
        Assert.Equal(1L, min.Last(r => r.Item1 == "y").Item2);
        Assert.Equal(7L, max.Last(r => r.Item1 == "x").Item2);
        Assert.Equal(9L, max.Last(r => r.Item1 == "y").Item2);
        Assert.Equal(("x", 7L, "r1"), maxBy.Last(r => r.Item1 == "x"));
        Assert.Equal(("y", 9L, "l2"), maxBy.Last(r => r.Item1 == "y"));
        Assert.Equal(5, min.Count);
        var firstX = min.First(r => r.Item1 == "x").Item3;
        Assert.All(min.Where(r => r.Item1 == "x"), r => Assert.Equal(firstX, r.Item3));
    }

    [Fact]
    public async Task ReadLines_WhenALineIsMalformed_FailsTheJobNamingFileAndLine()
    {
        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, "a,1\nb,2\nc,three\nd,4\n");

        var job = await fixture.Environment(1).ExecuteJobAsync<ParseLinesJob>([input], cancellationToken: TestTimeouts.JobToken());
        var error = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));

        Assert.Contains($"{input} line 3", error.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("three", error.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadLines_WhenBadRecordsGoToAFile_KeepsTheGoodOnesAndWritesTheBadOnesWithLineNumbers()
    {
        var input = Path.Combine(_dir, "in.csv");
        var errors = Path.Combine(_dir, "errors.txt");
        File.WriteAllText(input, "a,1\nb,x\na,2\n\na,3\n");

        var job = await fixture.Environment(2).ExecuteJobAsync<ParseLinesJob>([input, errors], cancellationToken: TestTimeouts.JobToken());
        await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        var sums = await job.ReadCollectedAsync<(string, long)>("sums");
        // Two source subtasks split the file, so the order of a's running sums depends on timing; the total does not.
        Assert.Equal(3, sums.Count);
        Assert.Equal(("a", 6L), sums.MaxBy(s => s.Item2));
        var bad = File.ReadAllLines(errors);
        Assert.Equal(2, bad.Length);
        Assert.StartsWith($"{input} line 2: ", bad.Single(l => l.EndsWith("b,x", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(bad, l => l.StartsWith($"{input} line 4: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_WhenAProcessingTimeTimerIsDue_FiresItWhileTheJobRuns()
    {
        var job = await fixture.Environment(2).ExecuteJobAsync<ProcessingTimerJob>(cancellationToken: TestTimeouts.JobToken());
        IReadOnlyList<string> fired = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (fired.Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            fired = await job.ReadCollectedAsync<string>("out");
        }

        await job.CancelAsync(TestTimeouts.JobToken());

        Assert.Equal(["0", "1", "2"], fired.Select(f => f.Split(' ')[0]).Order(StringComparer.Ordinal));
        foreach (var parts in fired.Select(f => f.Split(' ')))
        {
            var registered = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            var firedAt = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(firedAt - registered, 200, 10_000);
            Assert.Equal("ProcessingTime", parts[3]);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
