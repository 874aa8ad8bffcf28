using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class PeriodicCheckpointClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoints_WhenAUserFunctionThrowsOnce_CompletePeriodicallyWithIdsThatNeverRepeatAndTheOutputIsExact()
    {
        const long Count = 6000; // 3,000 per source subtask at 1,000/s
        const int PerAttempt = 3; // completed checkpoints each attempt must show before the test moves on
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums");
        var env = fixture.Environment(2)
            .EnableCheckpointing(Interval)
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)));
        var grains = fixture.Cluster.Client;

        // Each step waits for a condition, never for a stretch of time: the sources stop at a position the test moves
        // (they keep running and taking checkpoints meanwhile), so each attempt completes its checkpoints however slow
        // the machine is, and the failure comes after them.
        faults.HoldSourcesAt(1000);
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000), cancellationToken: TestTimeouts.JobToken());
        JobStatusInfo status;
        try
        {
            await CheckpointWatch.WaitForAsync(grains, job.JobId, o => CompletedIn(o, attempt: 0) >= PerAttempt, $"{PerAttempt} completed checkpoints of attempt 0");
            faults.ArmThrow(); // the next record through "Inject" fails the attempt
            faults.HoldSourcesAt(2000);
            await CheckpointWatch.WaitForAsync(grains, job.JobId, o => CompletedIn(o, attempt: 1) >= PerAttempt, $"{PerAttempt} completed checkpoints of attempt 1");
            faults.ReleaseSources();
            status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        }
        finally
        {
            faults.Disarm();
        }

        var overview = await CheckpointWatch.OverviewAsync(grains, job.JobId);
        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(status.Status == JobStatus.Finished, $"The job is {status.Status}. {context}");
        Assert.True(faults.Thrown == 1, $"The failure was injected {faults.Thrown} times. {context}");
        Assert.True(status.Attempt == 1, $"The job ran {status.Attempt + 1} attempts. {context}");
        Assert.Contains("injected failure", status.LastFailure?.Message ?? "", StringComparison.Ordinal);
        Assert.Equal(1, overview.Restarts);

        var history = CheckpointWatch.Chronological(overview);
        Assert.True(history.Select(h => h.CheckpointId).Distinct().Count() == history.Count, $"Checkpoint ids repeat. {context}");
        for (var i = 1; i < history.Count; i++)
        {
            // Ids increase with trigger time, and a periodic checkpoint starts at least one interval after the previous one.
            Assert.True(history[i].TriggerTime - history[i - 1].TriggerTime >= Interval - TimeSpan.FromMilliseconds(2),
                $"Checkpoint {history[i].CheckpointId} was triggered less than {Interval.TotalMilliseconds} ms after {history[i - 1].CheckpointId}. {context}");
        }

        var firstAttempt = history.Where(h => h.Attempt == 0).ToList();
        var secondAttempt = history.Where(h => h.Attempt == 1).ToList();
        Assert.True(firstAttempt.Max(h => h.CheckpointId) < secondAttempt.Min(h => h.CheckpointId), $"The restarted attempt reused ids. {context}");

        var completed = history.Where(h => h.Status == CheckpointStatus.Completed).ToList();
        Assert.True(CompletedIn(overview, 0) >= PerAttempt && CompletedIn(overview, 1) >= PerAttempt, $"Each attempt should keep its completed checkpoints in the history. {context}");
        Assert.Equal(overview.Completed, completed.Count);
        Assert.Equal(completed[^1].CheckpointId, overview.LatestCompletedId);
        Assert.All(completed, h =>
        {
            Assert.True(h.DurationMs is >= 0 and < 10_000, $"Checkpoint {h.CheckpointId} has duration {h.DurationMs}. {context}");
            Assert.True(h.StateSize > 0, $"Checkpoint {h.CheckpointId} reports no state. {context}");
            Assert.Null(h.FailureReason);
        });
        Assert.Contains(completed, h => h.StateSize > 16); // more than the two source positions: per-key state was written
        Assert.DoesNotContain(history, h => h.Status == CheckpointStatus.InProgress);

        CheckpointedSumJob.AssertExactOutput(Count, output, context);
    }

    private static int CompletedIn(CheckpointOverview overview, int attempt) =>
        overview.History.Count(h => h.Attempt == attempt && h.Status == CheckpointStatus.Completed);
}
