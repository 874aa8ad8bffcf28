using OrleansFlow.Cli;

namespace OrleansFlow.Tests.Cli;

[Trait("Category", "Cluster")]
public sealed class CliAppTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flow-cli-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task Run_WhenInputFileIsMissing_PrintsOneErrorLineAndExitsWithUsageError()
    {
        var exit = await CliApp.RunAsync(["run", "wordcount", "--input", Path.Combine(_dir, "missing.txt")], _stdout, _stderr);

        Assert.Equal(CliApp.BadUsage, exit);
        Assert.Equal($"error: input file '{Path.Combine(_dir, "missing.txt")}' does not exist", _stderr.ToString().TrimEnd('\n'));
    }

    [Theory]
    [InlineData("--parallelism", "0", "error: --parallelism expects a positive integer, got '0'")]
    [InlineData("--colour", "red", "error: Unknown option --colour. Known options: --input, --output, --rate.")]
    [InlineData("--rate", "fast", "error: Option --rate expects a positive number, got 'fast'.")]
    [InlineData("--cluster-id", "crash-1", "error: --cluster-id needs --cluster")]
    [InlineData("--service-id", "crash-1", "error: --service-id needs --cluster")]
    public async Task Run_WhenAnOptionIsBad_NamesItInOneLine(string option, string value, string expected)
    {
        var input = Path.Combine(_dir, "in.txt");
        await File.WriteAllTextAsync(input, "a b\n");

        var exit = await CliApp.RunAsync(["run", "wordcount", "--input", input, option, value], _stdout, _stderr);

        Assert.Equal(CliApp.BadUsage, exit);
        Assert.Equal(expected, _stderr.ToString().TrimEnd('\n'));
    }

    [Fact]
    public async Task Submit_OfTheExamplesAssemblyTheCliShips_IsOneLineNamingTheBuiltInJobs()
    {
        var examples = typeof(OrleansFlow.Examples.WordCountJob).Assembly.Location;

        var exit = await CliApp.RunAsync(["submit", examples, "--job", "WordCountJob", "--", "--input", "in.txt"], _stdout, _stderr);

        Assert.Equal(CliApp.BadUsage, exit);
        Assert.Equal(
            "error: 'OrleansFlow.Examples.dll' is the assembly OrleansFlow.Examples, which this program already contains: submit a job assembly of your own, " +
            "or run the jobs it ships by name ('flow run wordcount', 'window-sum', 'keyed-sum')",
            _stderr.ToString().TrimEnd());
    }

    [Fact]
    public async Task Silo_WhenItsRedisIsUnreachable_IsOneLineAndExitCode1()
    {
        var exit = await CliApp.RunAsync(["silo", "--redis", "127.0.0.1:1", "--dashboard-port", "0"], _stdout, _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        Assert.Equal(
            "error: cannot reach Redis at 127.0.0.1:1 (--redis): it did not answer within 5 s; start redis-server there, or name a running one",
            _stderr.ToString().TrimEnd());
    }

    [Fact]
    public async Task Run_WhenCommandIsUnknown_ExitsWithUsageError()
    {
        Assert.Equal(CliApp.BadUsage, await CliApp.RunAsync(["jog"], _stdout, _stderr));
        Assert.StartsWith("error: unknown command 'jog'", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWordCount_OnTheEmbeddedSilo_WritesRunningCountsToTheOutputFile()
    {
        var input = Path.Combine(_dir, "in.txt");
        var output = Path.Combine(_dir, "out.txt");
        await File.WriteAllTextAsync(input, "To be, or not to be!\nBE quick.\n");

        var exit = await CliApp.RunAsync(["run", "wordcount", "--input", input, "--output", output, "--parallelism", "2"], _stdout, _stderr);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Equal(string.Empty, _stderr.ToString());
        string[] expected = ["be,1", "be,2", "be,3", "not,1", "or,1", "quick,1", "to,1", "to,2"];
        Assert.Equal(expected, File.ReadAllLines(output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunWordCount_WithCheckpointRestartAndRateFlags_RunsAndWritesTheSameCounts()
    {
        var input = Path.Combine(_dir, "in.txt");
        var output = Path.Combine(_dir, "out.txt");
        await File.WriteAllTextAsync(input, "To be, or not to be!\nBE quick.\n");

        var exit = await CliApp.RunAsync(
            ["run", "wordcount", "--input", input, "--output", output, "--rate", "1000", "--checkpoint-interval", "100ms", "--checkpoint-mode", "at-least-once",
             "--min-pause", "50ms", "--retained-checkpoints", "2", "--restart-attempts", "2", "--restart-delay", "10ms"],
            _stdout,
            _stderr);

        Assert.Equal(CliApp.Ok, exit);
        // With checkpoints on, the embedded run says how to continue it should it die; nothing else goes to stderr.
        Assert.Matches(@"^job ([0-9a-f]{32}) submitted; should this process die, 'flow resume \1' continues it from its latest checkpoint\r?\n$", _stderr.ToString());
        string[] expected = ["be,1", "be,2", "be,3", "not,1", "or,1", "quick,1", "to,1", "to,2"];
        Assert.Equal(expected, File.ReadAllLines(output).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunWithProgress_WhileTheJobRuns_WritesProgressLinesToStderr()
    {
        var input = Path.Combine(_dir, "in.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 1_500).Select(i => $"word{i % 50} other"));

        // 1,500 lines at 300 per second: about 5 s, so two or more progress lines (one every 2 s).
        var exit = await CliApp.RunAsync(["run", "wordcount", "--input", input, "--output", Path.Combine(_dir, "out.txt"), "--rate", "300", "--progress"], _stdout, _stderr);

        Assert.Equal(CliApp.Ok, exit);
        var lines = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^job [0-9a-f]{32}: Running, attempt 0, [0-9,]+ records read, [0-9,]+ into '"));
        // Checkpointing is off: the run ends with its status line, no checkpoint summary.
        Assert.Matches("^job [0-9a-f]{32} Finished, job runtime [0-9,]+ ms$", lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("checkpoints:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunWithProgressAndCheckpoints_WhenTheJobFinishes_EndsWithTheCheckpointSummaryLine()
    {
        var input = Path.Combine(_dir, "in.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 1_500).Select(i => $"word{i % 50} other"));

        // 1,500 lines at 1,000 per second with a checkpoint every 100 ms: over a second of checkpoints.
        var exit = await CliApp.RunAsync(
            ["run", "wordcount", "--input", input, "--output", Path.Combine(_dir, "out.txt"), "--rate", "1000", "--checkpoint-interval", "100ms", "--progress"],
            _stdout,
            _stderr);

        Assert.Equal(CliApp.Ok, exit);
        var lines = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Matches("^job [0-9a-f]{32} Finished, job runtime [0-9,]+ ms$", lines[^2]);
        var summary = System.Text.RegularExpressions.Regex.Match(
            lines[^1], "^checkpoints: ([0-9,]+) completed, [0-9,]+ failed, duration p50 ([0-9,]+) ms, p99 ([0-9,]+) ms, max ([0-9,]+) ms, size p50 [0-9,]+ bytes$");
        Assert.True(summary.Success, $"the last line is not a checkpoint summary with figures: {_stderr}");
        long Figure(int group) => long.Parse(summary.Groups[group].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Figure(1) >= 1, $"no checkpoint completed: {lines[^1]}");
        Assert.True(Figure(2) <= Figure(3) && Figure(3) <= Figure(4), $"p50 <= p99 <= max does not hold: {lines[^1]}");
        Assert.Single(lines, l => l.StartsWith("checkpoints:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunWithProgressAndCheckpoints_WhenTheJobFails_WritesTheSummaryJustBeforeTheError()
    {
        var input = Path.Combine(_dir, "events.csv");
        await File.WriteAllLinesAsync(input, [.. Enumerable.Range(0, 400).Select(i => $"{1_700_000_000_000 + (i * 100)},k{i % 5},1"), "not,a,number"]);

        // 400 good lines at 1,000 per second, then a malformed one: the job fails (no restarts) after some checkpoints.
        var exit = await CliApp.RunAsync(
            ["run", "window-sum", "--input", input, "--output", Path.Combine(_dir, "sums.csv"), "--window", "tumbling:10s", "--rate", "1000",
             "--checkpoint-interval", "50ms", "--restart-attempts", "0", "--progress"],
            _stdout,
            _stderr);

        Assert.Equal(CliApp.JobFailed, exit);
        var lines = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.StartsWith("error: job failed in operator ", lines[^1], StringComparison.Ordinal);
        Assert.Matches("^checkpoints: [0-9,]+ completed, [0-9,]+ failed", lines[^2]);
    }

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
