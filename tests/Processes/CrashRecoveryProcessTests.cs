using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Issue 4's crash proof on real silo processes with Redis: each test runs a job on three <c>flow silo</c>
/// processes, kills a seeded random silo with SIGKILL twice while it runs (starting a replacement each time), and
/// requires the committed output to equal a failure-free embedded run exactly. The tests share the embedded runs, and
/// those with SIGKILL share one cluster (<see cref="CrashClusterFixture"/>); each test's job, kills and replacements are
/// its own. Needs
/// ORLEANSFLOW_TEST_REDIS (./run-tests starts a Redis); one test at a time, as the cluster is four to five .NET processes.
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class CrashRecoveryProcessTests(CrashClusterFixture fixture, ITestOutputHelper output) : IClassFixture<CrashClusterFixture>
{
    private const int Kills = 2;

    [Fact]
    public Task WindowSumTumbling_WhenSilosAreKilled_CommitsTheFailureFreeOutput() =>
        RunAsync(fixture.Cluster, "tumbling-killed", fixture.Tumbling, rate: 4_000, new CrashSchedule(1));

    [Fact]
    public Task WindowSumSession_WhenSilosAreKilled_CommitsTheFailureFreeOutput() =>
        RunAsync(fixture.Cluster, "session-killed", fixture.Session, rate: 4_000, new CrashSchedule(2));

    /// <summary>
    /// On a fresh cluster of its own, as before the tests shared one: a graceful stop moves every grain of its silo away,
    /// and the shared cluster's silos still hold the idle per-key grains of the other tests' finished jobs, which would
    /// make the drain this test times (30 s limit) a bigger one.
    /// </summary>
    [Fact]
    public async Task WindowSumTumbling_WhenSilosStopGracefully_CommitsTheFailureFreeOutputAndTheyExitCleanly()
    {
        await using var cluster = await ProcessCluster.CreateAsync(Fixtures.RedisTestServer.Address, fixture.DirectoryFor("graceful"), output);
        await RunAsync(cluster, "tumbling-stopped", fixture.Tumbling, rate: 4_000, new CrashSchedule(4), graceful: true);
    }

    [Fact]
    // --rate is the job's total: 500 lines/s is the 250 per source subtask this test ran at on 2 cores before it was.
    public Task WordCount_WhenSilosAreKilled_CommitsTheFailureFreeOutput() =>
        RunAsync(fixture.Cluster, "wordcount-killed", fixture.WordCount, rate: 500, new CrashSchedule(3));

    private async Task RunAsync(ProcessCluster cluster, string name, CrashJob job, int rate, CrashSchedule schedule, bool graceful = false)
    {
        try
        {
            await new CrashRecoveryScenario(cluster, output).RunAsync(name, job, rate, Kills, schedule, graceful);
        }
        catch
        {
            fixture.Failed();
            throw;
        }
    }
}

/// <summary>The process tests run one at a time and alone: each starts several silo processes on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "Processes";
}
