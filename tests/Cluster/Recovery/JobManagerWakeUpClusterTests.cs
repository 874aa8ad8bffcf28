using System.Diagnostics;
using Orleans.Runtime;
using OrleansFlow.Configuration;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Recovery;

/// <summary>
/// A job whose job manager dies with its silo while nobody asks about the job (a detached submission: no client polls
/// its status) must recover on its own. The checkpoint coordinator's reminder, the durable last resort, is set to an
/// hour here, so a job that finishes before the test calls its job manager was woken by the silo-death notice or by a
/// task of the job, as it must be. How soon it processes again is printed, not asserted: that figure is measured by
/// the recovery benchmark (README, "Performance"), not by a timed test.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class JobManagerWakeUpClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 8_000; // 4 s at 1,000 records/s per source subtask

    /// <summary>How long the test watches the output before it gives up; only a job nobody woke takes this long.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KillSilo_OfTheJobManagerWithNoClientWatching_TheJobRecoversAndFinishesExactly()
    {
        await using var run = await SiloFailoverRun.StartAsync(_dir, Count, silo => silo.Configure<JobManagerOptions>(o => o.WatchdogReminderPeriod = TimeSpan.FromHours(1)));
        var (job, output) = (run.Job, run.Output);
        await CheckpointWatch.WaitForCompletedAsync(run.Cluster.Client, job.JobId, 2);
        var managerHost = await run.HostOfAsync(run.Cluster.Client.GetGrain<IJobManagerGrain>(job.JobId))
            ?? throw new InvalidOperationException($"Job {job.JobId}: the job manager has no activation.");
        log.WriteLine($"Killing silo {managerHost} of job {job.JobId}'s job manager.");
        var killedAt = Stopwatch.StartNew();
        await run.KillAsync(managerHost);

        // Only the membership and the output are watched until the whole output is committed: a call to the job
        // manager (a status poll) would itself wake it up. No task of the lost attempt can acknowledge a checkpoint once
        // its silo is gone, so the first output committed after the death is declared comes from the new attempt (or
        // from an attempt that never stopped, when the silo held none of its tasks).
        var management = run.Cluster.Client.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: false)).GetValueOrDefault(managerHost) != SiloStatus.Dead && killedAt.Elapsed < GiveUpAfter)
        {
            await Task.Delay(50);
        }

        var declaredDeadAfter = killedAt.Elapsed;
        var committedAtDeath = CheckpointedSumJob.ReadOutput(output).Length;
        var expected = CheckpointedSumJob.ExpectedLines(Count).Length;
        TimeSpan? processingAgainAfter = null;
        while (CheckpointedSumJob.ReadOutput(output).Length is var committed && committed < expected && killedAt.Elapsed < GiveUpAfter)
        {
            if (processingAgainAfter is null && committed > committedAtDeath)
            {
                processingAgainAfter = killedAt.Elapsed - declaredDeadAfter;
            }

            await Task.Delay(50);
        }

        var recoveredIn = killedAt.Elapsed;
        var finishedUnasked = CheckpointedSumJob.ReadOutput(output).Length >= expected;
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var context = $"Job {job.JobId}: {status.Status} in attempt {status.Attempt}; its job manager's silo was declared dead {declaredDeadAfter.TotalSeconds:F1} s after the kill, " +
            $"output committed again {(processingAgainAfter ?? recoveredIn - declaredDeadAfter).TotalSeconds:F1} s after that, all output {recoveredIn.TotalSeconds:F1} s after the kill";
        log.WriteLine(context);
        Assert.True(finishedUnasked, $"Nobody woke the job manager: the job stood still until the test asked for its status. {context}");
        Assert.Equal(JobStatus.Finished, status.Status);
        CheckpointedSumJob.AssertExactOutput(Count, output, context);
    }
}
