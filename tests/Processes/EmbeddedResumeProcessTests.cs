namespace OrleansFlow.Tests.Processes;

/// <summary>
/// The embedded default's durability: a <c>flow run</c> with checkpointing is killed with SIGKILL after its first
/// committed output; <c>flow resume JOB_ID</c> in the same directory continues it from its latest checkpoint (on
/// disk under <c>data/checkpoints</c>), and the output equals an uninterrupted run's.
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class EmbeddedResumeProcessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Resume_AfterTheEmbeddedProcessWasKilled_CommitsExactlyTheUninterruptedOutput()
    {
        // 30,000 events: three windows of 10 s, the first committed about 2 s into the rated run, the last at its end (5 s).
        var input = await CrashInputs.EventsAsync(_directory, 30_000);
        string[] job = ["window-sum", "--input", input, "--window", "tumbling:10s", "--out-of-orderness", "2s"];
        // The uninterrupted run and the one to be killed run side by side: they share nothing but the input.
        var expectedRun = RunToEndAsync("expected", ["run", .. job, "--output", Path.Combine(_directory, "expected.csv")]);

        var output = Path.Combine(_directory, "resumed.csv");
        var work = Directory.CreateDirectory(Path.Combine(_directory, "work")).FullName;
        using var first = FlowProcess.Start("first", ["run", .. job, "--output", output, "--rate", "6000", "--checkpoint-interval", "300ms"], work, Path.Combine(_directory, "first.log"));
        await WaitUntilAsync(() => File.Exists(output) && File.ReadLines(output).Any(), first, "the first committed output");
        var jobId = await first.WaitForJobIdAsync(Limit); // printed when it submitted, before any output
        first.Kill();
        await first.WaitForExitAsync(CancellationToken.None);
        var committedAtKill = File.ReadAllLines(output).Length;

        using var resumed = await RunToEndAsync("resume", ["resume", jobId], work);
        using var expected = await expectedRun;
        Assert.Equal(0, expected.ExitCode);

        Assert.True(resumed.ExitCode == 0, $"flow resume exited with {resumed.ExitCode}: {string.Join('\n', resumed.Lines())}");
        var want = File.ReadAllLines(Path.Combine(_directory, "expected.csv")).Order(StringComparer.Ordinal).ToList();
        var got = File.ReadAllLines(output).Order(StringComparer.Ordinal).ToList();
        Assert.True(committedAtKill < want.Count, $"the first run had committed {committedAtKill} of {want.Count} lines: it was not interrupted");
        Assert.Equal(want.Count, got.Count);
        Assert.Equal(want, got);
    }

    private async Task<FlowProcess> RunToEndAsync(string name, string[] args, string? workingDirectory = null)
    {
        var process = FlowProcess.Start(name, args, workingDirectory ?? _directory, Path.Combine(_directory, name + ".log"));
        using var timeout = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(timeout.Token);
        return process;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, FlowProcess process, string what)
    {
        using var timeout = new CancellationTokenSource(Limit);
        while (!condition())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} ended before {what}: {string.Join('\n', process.Lines())}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
