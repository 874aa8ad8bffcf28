using Orleans.Runtime;
using OrleansFlow.Configuration;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// Issue 13 (1b) on a cluster: a job whose attempts keep coinciding with silo deaths (here two in a row, with
/// <see cref="JobManagerOptions.PoisonousJobSiloDeaths"/> set to 2: a silo dies while each attempt runs, before it
/// completed a checkpoint) is Failed as poisonous instead of being redeployed a third time; the job manager's silo
/// and the others stay up. The silos are killed by the test, standing in for a job whose code exits the process (the
/// process test of that is not written: see the README).
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class PoisonousJobClusterTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SiloDeaths_DuringTwoAttemptsInARowWithALimitOfTwo_FailTheJobAsPoisonousWithoutAThirdAttempt()
    {
        await using var cluster = await IsolatedCluster.StartOnRedisAsync(RedisTestServer.Address, silos: 4, fastFailureDetection: true,
            silo => silo.Configure<JobManagerOptions>(o => o.PoisonousJobSiloDeaths = 2));
        // Checkpoints every hour: no attempt completes one, so every silo death counts.
        var env = cluster.Environment(2)
            .EnableCheckpointing(TimeSpan.FromHours(1))
            .SetRestartStrategy(RestartStrategy.FixedDelay(10, TimeSpan.FromMilliseconds(200)));
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(
            CheckpointedSumJob.Args(Probe.NewRun(), _dir.File("sums"), 1_000_000, 100), cancellationToken: TestTimeouts.JobToken());
        var manager = cluster.Client.GetGrain<IJobManagerGrain>(job.JobId);
        var managerHost = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(manager)
            ?? throw new InvalidOperationException($"Job {job.JobId}: the job manager has no activation.");

        // Kill a silo (never the job manager's) while an attempt runs, twice; a death may fail the attempt it happened
        // in or, when a task saw it first, the next one (PoisonousJobGuard): each kill waits for a new attempt running.
        var attempt = -1;
        for (var kill = 0; kill < 2; kill++)
        {
            var previous = attempt;
            var status = await WaitForAsync(manager, s => s.Status.IsTerminal() || (s.Status == JobStatus.Running && s.Attempt > previous), $"an attempt after {previous} running");
            attempt = status.Attempt;
            var victim = cluster.Cluster.Silos.First(s => !s.SiloAddress.Equals(managerHost));
            log.WriteLine($"Job {job.JobId}: {status.Status} in attempt {status.Attempt}; killing silo {victim.SiloAddress} (the job manager is on {managerHost}).");
            await cluster.Cluster.KillSiloAsync(victim);
        }

        var ended = await WaitForAsync(manager, s => s.Status.IsTerminal(), "the job ended");

        var context = $"Job {job.JobId}: {ended.Status} in attempt {ended.Attempt}, failure: {ended.Failure}";
        Assert.True(ended.Status == JobStatus.Failed, context);
        Assert.Equal(PoisonousJobGuard.PoisonousJobType, ended.Failure!.ExceptionType);
        Assert.StartsWith("poisonous job: 2 attempts in a row coincided with a silo's death before completing a checkpoint; last: ", ended.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(managerHost, await Retried<SiloAddress?>(async () => await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(manager))); // never lost
        var active = await Retried(() => cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
        Assert.Contains(managerHost, active.Keys);
        Assert.Equal(2, active.Count);
    }

    private static Task<T> Retried<T>(Func<Task<T>> call) => ClusterCallRetry.RunAsync(call, new JobClientOptions(), TestTimeouts.JobToken());

    /// <summary>Polls the job manager until <paramref name="condition"/> holds (within the job timeout, naming <paramref name="what"/>).</summary>
    private static async Task<JobStatusInfo> WaitForAsync(IJobManagerGrain manager, Func<JobStatusInfo, bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // A killed silo may be the gateway the test's client used: calls go through the SDK's retry of lost
            // connections, as a user's would.
            var status = await Retried(() => manager.GetStatusAsync(TestTimeouts.JobToken()));
            if (condition(status))
            {
                return status;
            }

            if (waited.Elapsed > TestTimeouts.Job)
            {
                throw new TimeoutException($"Job {status.JobId}: waited {TestTimeouts.Job.TotalSeconds:0} s for {what}; it is {status.Status} in attempt {status.Attempt} (failure: {status.Failure}, last: {status.LastFailure}).");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
