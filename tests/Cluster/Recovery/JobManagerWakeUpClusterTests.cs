using System.Diagnostics;
using Orleans.Runtime;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// A job whose job manager dies with its silo while nobody asks about the job (a detached submission: no client polls
/// its status) must recover on its own, well before the coordinator's one-minute watchdog reminder would wake it:
/// processing again (its sink commits new output) within 5 s of the silo being declared dead.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobManagerWakeUpClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 8_000; // 4 s at 1,000 records/s per source subtask

    /// <summary>How soon after the silo is declared dead the job must commit output again (issue 12).</summary>
    private static readonly TimeSpan ProcessingAgainWithin = TimeSpan.FromSeconds(5);
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

        // Only the membership and the output are watched: a call to the job manager (a status poll) would itself wake
        // it up. No task of the lost attempt can acknowledge a checkpoint once its silo is gone, so the first output
        // committed after the death is declared comes from the new attempt (or from an attempt that never stopped,
        // when the silo held none of its tasks).
        var management = run.Cluster.Client.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: false)).GetValueOrDefault(managerHost) != SiloStatus.Dead && killedAt.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var declaredDeadAfter = killedAt.Elapsed;
        var committedAtDeath = CheckpointedSumJob.ReadOutput(output).Length;
        var expected = CheckpointedSumJob.ExpectedLines(Count).Length;
        TimeSpan? processingAgainAfter = null;
        while (CheckpointedSumJob.ReadOutput(output).Length is var committed && committed < expected && killedAt.Elapsed < TimeSpan.FromSeconds(45))
        {
            if (processingAgainAfter is null && committed > committedAtDeath)
            {
                processingAgainAfter = killedAt.Elapsed - declaredDeadAfter;
            }

            await Task.Delay(50);
        }

        var recoveredIn = killedAt.Elapsed;
        processingAgainAfter ??= recoveredIn - declaredDeadAfter;
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var context = $"Job {job.JobId}: {status.Status} in attempt {status.Attempt}; its job manager's silo was declared dead {declaredDeadAfter.TotalSeconds:F1} s after the kill, " +
            $"output committed again {processingAgainAfter.Value.TotalSeconds:F1} s after that, all output {recoveredIn.TotalSeconds:F1} s after the kill";
        log.WriteLine(context);
        Assert.Equal(JobStatus.Finished, status.Status);
        CheckpointedSumJob.AssertExactOutput(Count, output, context);
        Assert.True(recoveredIn < TimeSpan.FromSeconds(45), $"Nobody woke the job manager: the job stood still until a status poll. {context}");
        Assert.True(processingAgainAfter <= ProcessingAgainWithin, $"The job was not processing again within {ProcessingAgainWithin.TotalSeconds:0} s of the silo's death. {context}");
    }
}
