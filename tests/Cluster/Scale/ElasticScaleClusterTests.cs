using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansFlow.Checkpoints;
using OrleansFlow.Hosting;
using OrleansFlow.Jobs;
using OrleansFlow.Keyed;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster.Scale;

/// <summary>
/// Issue 5, item 4: a keyed job with checkpointing runs on two silos; a third silo joins and gets operator tasks (a
/// checkpoint-aligned redeploy) and per-key grains (moved live by the activation rebalancer) while the job runs; then
/// a silo stops gracefully and hands its work off. The job has no restart strategy, so any failure would fail it: it
/// finishes, and its committed output equals the failure-free run exactly.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ElasticScaleClusterTests : IDisposable
{
    private const int Keys = 200;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KeyedJob_WhenASiloJoinsAndAnotherStopsGracefully_SpreadsOntoTheNewSiloAndCommitsExactlyTheFailureFreeOutput()
    {
        const long records = 30_000;
        await using var cluster = await StartAsync(silos: 2);
        var env = cluster.Environment(2);
        env.EnableCheckpointing(TimeSpan.FromMilliseconds(200));
        env.SetRestartStrategy(RestartStrategy.NoRestart());
        var output = _dir.File("sums.txt");
        var job = await env.ExecuteJobAsync<ElasticSumJob>(ElasticSumJob.Args(output, records, 1000, Keys), cancellationToken: TestTimeouts.JobToken());
        var coordinator = cluster.Client.GetGrain<ICheckpointCoordinatorGrain>(job.JobId);
        await WaitUntilAsync(async () => (await coordinator.GetOverviewAsync(default)).Completed >= 1, "a first checkpoint completed");

        var added = await cluster.StartAdditionalSiloAsync();
        var (operators, keys) = (0, 0);
        await WaitUntilAsync(async () =>
        {
            var status = await job.GetStatusAsync();
            Assert.False(status.Status.IsTerminal(), $"the job ended ({status.Status}, {status.Failure?.Message}) before work reached the new silo: operators {operators}, keys {keys}");
            (operators, keys) = await GrainsOnAsync(cluster, added.SiloAddress, job.JobId, status.Attempt);
            return status.Status == JobStatus.Running && status.Attempt >= 1 && operators > 0 && keys > 0;
        }, "operator tasks of the current attempt and per-key grains running on the added silo");

        var beforeStop = await job.GetStatusAsync();
        Assert.Equal(JobStatus.Running, beforeStop.Status);
        var leaving = cluster.Silos[1]; // an original silo; the first hosts the client's gateway
        await cluster.StopSiloAsync(leaving);
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Finished, status.Status);
        Assert.Null(status.LastFailure);
        Assert.True(status.Attempt > beforeStop.Attempt, $"stopping a silo should redeploy the job (attempt {beforeStop.Attempt} before, {status.Attempt} after)");
        // The sink runs with parallelism 2: the output is a directory with one file per subtask (part-0, part-1).
        var lines = Directory.GetFiles(output, "part-*").SelectMany(File.ReadAllLines).ToArray();
        var actual = lines.Order(StringComparer.Ordinal).ToArray();
        var expected = ElasticSumJob.ExpectedLines(records, Keys);
        Assert.True(expected.SequenceEqual(actual),
            $"committed output differs from the failure-free run: {actual.Length} lines, expected {expected.Length}; missing {string.Join(" ", expected.Except(actual).Take(5))}; extra {string.Join(" ", actual.Except(expected).Take(5))}");
    }

    /// <summary>The job's operator tasks of <paramref name="attempt"/> and its per-key grains that run on <paramref name="silo"/>.</summary>
    private static async Task<(int Operators, int Keys)> GrainsOnAsync(InProcessTestCluster cluster, SiloAddress silo, string jobId, int attempt)
    {
        var grains = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, [silo]);
        var ids = grains.Select(g => g.GrainId).Distinct().ToList();
        var operators = ids.Count(g => g.Type.ToString() == "flow.operator" && GrainKeys.ParseTask(g.Key.ToString()!) is var t && t.JobId == jobId && t.Attempt == attempt);
        var keys = ids.Count(g => g.Type.ToString() == KeyedStateGrain.GrainTypeName && GrainKeys.ParseKeyedState(g.Key.ToString()!).JobId == jobId);
        return (operators, keys);
    }

    private Task<InProcessTestCluster> StartAsync(int silos)
    {
        var checkpoints = _dir.File("checkpoints");
        return FlowTestCluster.DeployAsync(silos, silo => silo
            .UseLocalPersistence(checkpoints)
            .UseElasticScale(o =>
            {
                o.RebalancerDueTime = TimeSpan.FromSeconds(1);
                o.RebalancerCyclePeriod = TimeSpan.FromSeconds(1);
                o.LoadPublishPeriod = TimeSpan.FromMilliseconds(500);
                o.JoinCheckpointWait = TimeSpan.FromSeconds(5);
            })
            // Test cadence: move a large share per cycle rather than Orleans' slow start.
            .Configure<ActivationRebalancerOptions>(r => r.CycleNumberWeight = 1)
            .UseFastFailureDetection());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Job);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }
}
