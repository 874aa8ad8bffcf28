using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// Fencing of a duplicate job manager, the mechanism of the silo-kill hang: after a silo's death Orleans' in-cluster
/// directory can start a second job manager activation while the first still drives the job. Here the second one's
/// take-over is its state write (a newer epoch by another writer, made through the silo's own storage provider), with
/// the first activation still running the job; then a task fails. The first activation must step aside instead of
/// restarting the job itself, the task's failure report must reach a current activation, and the job must still end
/// with exactly the failure-free output after exactly one restart.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobManagerFencingClusterTests(FlowClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restart_WhenAnotherJobManagerActivationTookTheJobOver_TheStaleOneStepsAsideAndTheJobEndsExactly()
    {
        const int records = 6000;
        var run = Guid.NewGuid().ToString("N");
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums.txt");
        try
        {
            var env = fixture.Environment(1);
            env.EnableCheckpointing(TimeSpan.FromMilliseconds(100));
            env.SetRestartStrategy(RestartStrategy.FixedDelay(5, TimeSpan.FromMilliseconds(100)));
            var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, records, 2000, sources: 1), cancellationToken: TestTimeouts.JobToken());
            await CheckpointWatch.WaitForCompletedAsync(fixture.Cluster.Client, job.JobId, 1);

            var forgedEpoch = await TakeOverAsAnotherActivationAsync(job.JobId);
            faults.ArmThrow(); // the next record fails its task: the running (now stale) job manager hears of it
            var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

            Assert.True(JobStatus.Finished == status.Status, $"job {job.JobId} ended {status.Status}: {status.Failure?.Message}");
            Assert.Equal(1, faults.Thrown);
            Assert.True(1 == status.Attempt, $"job {job.JobId}: attempt {status.Attempt}; exactly one restart expected (a stale job manager restarting too makes two)");
            CheckpointedSumJob.AssertExactOutput(records, output, $"job {job.JobId}");
            var final = await ReadJobStateAsync(job.JobId);
            Assert.True(final.State!.Epoch > forgedEpoch, $"job {job.JobId}: epoch {final.State!.Epoch}; a new activation should have taken over after the forged epoch {forgedEpoch}");
        }
        finally
        {
            faults.Disarm();
        }
    }

    /// <summary>Writes the job manager's state as another activation taking the job over would: a newer epoch, another writer.</summary>
    private async Task<long> TakeOverAsAnotherActivationAsync(string jobId)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await ReadJobStateAsync(jobId);
            stored.State!.Epoch++;
            stored.State.Writer = "another-activation";
            try
            {
                await Storage.WriteStateAsync("job", JobManagerId(jobId), stored);
                return stored.State.Epoch;
            }
            catch (InconsistentStateException) when (attempt < 5)
            {
                // the running job manager wrote meanwhile: read again
            }
        }
    }

    private async Task<GrainState<JobManagerState>> ReadJobStateAsync(string jobId)
    {
        var stored = new GrainState<JobManagerState>(new JobManagerState());
        await Storage.ReadStateAsync("job", JobManagerId(jobId), stored);
        Assert.True(stored.RecordExists && stored.State is not null, $"job {jobId}: no job manager state in storage");
        return stored;
    }

    private IGrainStorage Storage => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FlowNames.CheckpointStorage);

    private static GrainId JobManagerId(string jobId) => GrainId.Create("flow.jobmanager", jobId);
}
