using System.Diagnostics;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// A job whose job manager dies with its silo while nobody asks about the job (a detached submission: no client polls
/// its status) must recover on its own, well before the coordinator's one-minute watchdog reminder would wake it.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobManagerWakeUpClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 8_000; // 4 s at 1,000 records/s per source subtask
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KillSilo_OfTheJobManagerWithNoClientWatching_TheJobRecoversAndFinishesExactly()
    {
        await using var run = await SiloFailoverRun.StartAsync(_dir, Count);
        var (job, output) = (run.Job, run.Output);
        await CheckpointWatch.WaitForCompletedAsync(run.Cluster.Client, job.JobId, 2);
        var managerHost = await run.HostOfAsync(run.Cluster.Client.GetGrain<IJobManagerGrain>(job.JobId))
            ?? throw new InvalidOperationException($"Job {job.JobId}: the job manager has no activation.");
        log.WriteLine($"Killing silo {managerHost} of job {job.JobId}'s job manager.");
        var killedAt = Stopwatch.StartNew();
        await run.KillAsync(managerHost);

        // Only the output is watched: a call to the job manager (a status poll) would itself wake it up.
        var expected = CheckpointedSumJob.ExpectedLines(Count).Length;
        while (CheckpointedSumJob.ReadOutput(output).Length < expected && killedAt.Elapsed < TimeSpan.FromSeconds(45))
        {
            await Task.Delay(200);
        }

        var recoveredIn = killedAt.Elapsed;
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var context = $"Job {job.JobId}: {status.Status} in attempt {status.Attempt}, all output committed {recoveredIn.TotalSeconds:F1} s after its job manager's silo was killed";
        log.WriteLine(context);
        Assert.Equal(JobStatus.Finished, status.Status);
        CheckpointedSumJob.AssertExactOutput(Count, output, context);
        Assert.True(recoveredIn < TimeSpan.FromSeconds(45), $"Nobody woke the job manager: the job stood still until a status poll. {context}");
    }
}
