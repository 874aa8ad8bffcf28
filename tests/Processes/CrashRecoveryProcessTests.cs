using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Issue 4's crash proof on real silo processes with Redis: each test runs a job on three <c>flow silo</c>
/// processes, kills a seeded random silo with SIGKILL twice while it runs (starting a replacement each time), and
/// requires the committed output to equal a failure-free embedded run exactly. Needs ORLEANSFLOW_TEST_REDIS
/// (./run-tests starts a Redis); one test at a time, as each starts four to five .NET processes.
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class CrashRecoveryProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 2;
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-crash-").FullName;
    private bool _passed;

    [Fact]
    public async Task WindowSumTumbling_WhenSilosAreKilled_CommitsTheFailureFreeOutput()
    {
        var input = await CrashInputs.EventsAsync(_directory, 60_000);

        await Scenario().RunAsync("window-sum", ["--input", input, "--window", "tumbling:10s", "--out-of-orderness", "2s"], rate: 4_000, Kills, new CrashSchedule(1));
        _passed = true;
    }

    [Fact]
    public async Task WindowSumSession_WhenSilosAreKilled_CommitsTheFailureFreeOutput()
    {
        var input = await CrashInputs.EventsAsync(_directory, 60_000);

        await Scenario().RunAsync("window-sum", ["--input", input, "--window", "session:5s", "--out-of-orderness", "2s"], rate: 4_000, Kills, new CrashSchedule(2));
        _passed = true;
    }

    [Fact]
    public async Task WindowSumTumbling_WhenSilosStopGracefully_CommitsTheFailureFreeOutputAndTheyExitCleanly()
    {
        var input = await CrashInputs.EventsAsync(_directory, 60_000);

        await Scenario().RunAsync("window-sum", ["--input", input, "--window", "tumbling:10s", "--out-of-orderness", "2s"], rate: 4_000, Kills, new CrashSchedule(4), graceful: true);
        _passed = true;
    }

    [Fact]
    public async Task WordCount_WhenSilosAreKilled_CommitsTheFailureFreeOutput()
    {
        var input = await CrashInputs.WordsAsync(_directory, 60_000, wordsPerLine: 8);

        await Scenario().RunAsync("wordcount", ["--input", input], rate: 250, Kills, new CrashSchedule(3));
        _passed = true;
    }

    /// <summary>
    /// Deletes the test's files, unless it failed or ORLEANSFLOW_CRASH_KEEP_LOGS is set: then its logs stay for a
    /// look (the failure message names the directory).
    /// </summary>
    public void Dispose()
    {
        if (_passed && Environment.GetEnvironmentVariable("ORLEANSFLOW_CRASH_KEEP_LOGS") is null or "")
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private CrashRecoveryScenario Scenario() => new(_directory, output);
}

/// <summary>The process tests run one at a time and alone: each starts several silo processes on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "Processes";
}
