using System.Globalization;
using System.Text;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster;

/// <summary>
/// The window-sum example end to end on a two-silo cluster: watermarks and timestamps through channels, windows in
/// per-key grains, late data to a side output. Expected values come from Flink's rules (an independent model for
/// random input, hand-derived lines for the tricky cases).
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WindowSumClusterTests(FlowClusterFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-ws-").FullName;

    [Theory]
    [InlineData("tumbling:100ms", 1)]
    [InlineData("tumbling:100ms", 4)]
    [InlineData("sliding:100ms:40ms", 3)]
    [InlineData("tumbling:100ms:30ms", 2)]
    public async Task WindowSum_OnOutOfOrderInput_MatchesFlinksRulesAtAnyParallelism(string window, int parallelism)
    {
        var events = RandomEvents(count: 3000, seed: 5);
        var input = Write("in.csv", events.Select(e => $"{e.Ts},{e.Key},{e.Value}"));

        var output = await RunAsync(parallelism, "--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", window, "--out-of-orderness", "50ms");

        var spec = window.Split(':');
        var size = Ms(spec[1]);
        var slide = spec[0] == "sliding" ? Ms(spec[2]) : size;
        var offset = spec[0] == "sliding" ? (spec.Length > 3 ? Ms(spec[3]) : 0) : (spec.Length > 2 ? Ms(spec[2]) : 0);
        Assert.Equal(ExpectedSums(events, size, slide, offset, outOfOrderness: 50), output.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WindowSum_SessionsWithLatenessAndLateOutput_MergeBridgeRefireAndSideOutput()
    {
        // gap 10 ms, allowed lateness 20 ms, watermark = max timestamp - 1 after every record.
        var input = Write("sessions.csv", ["1,a,1", "30,a,2", "12,a,4", "5,a,8", "60,a,1", "2,a,100"]);
        var late = Path.Combine(_dir, "late.csv");

        var output = await RunAsync(2, "--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", "session:10ms",
            "--allowed-lateness", "20ms", "--late-output", late);

        // [1,11) fires at watermark 29; 12 opens [12,22), already past its end, so it fires at once (within lateness);
        // 5 bridges [1,11) and [12,22) into [1,22) = 1+4+8, fired at once; watermark 59 fires [30,40) and drops
        // [1,22) (cleanup 41); 2 is late for its only window (cleanup 31 <= 59): side output; [60,70) fires at end.
        string[] expected = ["a,1,11,1", "a,1,22,13", "a,12,22,4", "a,30,40,2", "a,60,70,1"];
        Assert.Equal(expected, output.Order(StringComparer.Ordinal));
        Assert.Equal(["2,a,100"], File.ReadAllLines(late));
    }

    [Fact]
    public async Task WindowSum_WithPunctuatedWatermarks_UsesTheWatermarkLines()
    {
        var input = Write("wm.csv", ["1,a,1", "5,a,2", "WM,20", "3,a,7", "12,a,5", "25,a,1"]);
        var late = Path.Combine(_dir, "late.csv");

        var output = await RunAsync(1, "--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", "tumbling:10ms",
            "--watermarks", "punctuated", "--late-output", late);

        // WM,20 fires [0,10) = 1+2; 3 and 12 are late for [0,10) and [10,20) (ends 9, 19 <= 20); [20,30) fires at end.
        Assert.Equal(["a,0,10,3", "a,20,30,1"], output.Order(StringComparer.Ordinal));
        Assert.Equal(["3,a,7", "12,a,5"], File.ReadAllLines(late));
    }

    [Theory]
    [InlineData(false, new[] { "a,,,10", "a,,,3" })]
    [InlineData(true, new[] { "a,,,3", "a,,,7" })]
    public async Task WindowSum_GlobalWindowWithCountTrigger_FiresEveryNElements(bool purging, string[] expected)
    {
        var input = Write("count.csv", ["1,a,1", "2,a,2", "3,a,3", "4,a,4", "5,a,5"]);
        var args = new List<string> { "--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", "global", "--trigger", "count:2" };
        if (purging)
        {
            args.AddRange(["--purging", "true"]);
        }

        var output = await RunAsync(2, [.. args]);

        // The count trigger replaces the end-of-stream trigger, so the fifth element never fires (as in Flink).
        Assert.Equal(expected, output.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WindowSum_GlobalWindow_FiresOnceAtEndOfInputWithEmptyBounds()
    {
        var input = Write("global.csv", ["1,a,1", "2,b,2", "99,a,3"]);

        var output = await RunAsync(2, "--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", "global");

        Assert.Equal(["a,,,4", "b,,,2"], output.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WindowSum_WhenALineIsMalformed_FailsNamingLineAndField_OrSkipsToTheErrorFile()
    {
        var input = Write("bad.csv", ["1,a,1", "2,a,2", "3,a,lots", "4,a,4"]);

        var job = await fixture.Environment(1).ExecuteJobAsync<WindowSumJob>(["--input", input, "--output", Path.Combine(_dir, "out.csv"), "--window", "tumbling:10ms"], cancellationToken: TestTimeouts.JobToken());
        var error = await Assert.ThrowsAsync<JobExecutionException>(() => job.WaitForCompletionAsync(TestTimeouts.JobToken()));
        Assert.Contains($"{input} line 3", error.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("field 3 (value) 'lots'", error.Failure.Message, StringComparison.Ordinal);

        var errors = Path.Combine(_dir, "errors.txt");
        var output = await RunAsync(1, "--input", input, "--output", Path.Combine(_dir, "out2.csv"), "--window", "tumbling:10ms", "--on-bad-record", "skip", "--error-file", errors);
        Assert.Equal(["a,0,10,7"], output);
        Assert.StartsWith($"{input} line 3: field 3 (value) 'lots'", Assert.Single(File.ReadAllLines(errors)), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string[]> RunAsync(int parallelism, params string[] args)
    {
        var job = await fixture.Environment(parallelism).ExecuteJobAsync<WindowSumJob>(args, cancellationToken: TestTimeouts.JobToken());
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        Assert.Equal(JobStatus.Finished, status.Status);
        return File.ReadAllLines(args[Array.IndexOf(args, "--output") + 1]);
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n", Encoding.UTF8);
        return path;
    }

    private static long Ms(string text) => long.Parse(text.TrimEnd('m', 's'), CultureInfo.InvariantCulture);

    /// <summary>Events whose timestamps run forward with random delays up to 120 ms, so some arrive after the watermark.</summary>
    private static List<(long Ts, string Key, long Value)> RandomEvents(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => ((long)(i * 2) - random.Next(0, 120), "k" + random.Next(0, 7), (long)random.Next(-5, 100)))
            .ToList();
    }

    /// <summary>
    /// An independent model of Flink's rules: the watermark after each record is max timestamp − bound − 1; an
    /// element goes to every window [start, start + size) with start = offset + k·slide holding it, except windows
    /// whose end − 1 is at or below the watermark (late, allowed lateness 0); every window fires once at end of input.
    /// </summary>
    private static IEnumerable<string> ExpectedSums(List<(long Ts, string Key, long Value)> events, long size, long slide, long offset, long outOfOrderness)
    {
        var watermark = long.MinValue;
        var maxTimestamp = long.MinValue;
        var sums = new Dictionary<(string, long), long>();
        foreach (var (ts, key, value) in events)
        {
            var lastStart = ts - (((ts - offset) % slide) + slide) % slide;
            for (var start = lastStart; start > ts - size; start -= slide)
            {
                if (start + size - 1 > watermark)
                {
                    sums[(key, start)] = sums.GetValueOrDefault((key, start)) + value;
                }
            }

            maxTimestamp = Math.Max(maxTimestamp, ts);
            watermark = Math.Max(watermark, maxTimestamp - outOfOrderness - 1);
        }

        return sums.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key.Item1},{s.Key.Item2},{s.Key.Item2 + size},{s.Value}")).Order(StringComparer.Ordinal);
    }
}
