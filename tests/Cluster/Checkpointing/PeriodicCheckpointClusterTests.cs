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
        const long Count = 6000; // 3,000 per source subtask at 1,000/s: about 3 s
        const long FailAtCall = 2000; // of the "Inject" map's calls over both subtasks
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums");
        var env = fixture.Environment(2)
            .EnableCheckpointing(Interval)
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)));
        // The failure is planned at a position in the input, not at a moment: the sources run at a fixed rate, so the
        // first attempt reads for about 1 s before it fails and the second reads at least the 4,000 records after it
        // (about 2 s), each several checkpoint intervals however slow the machine is.
        faults.ArmThrowAt([FailAtCall]);
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000), cancellationToken: TestTimeouts.JobToken());
        var grains = fixture.Cluster.Client;

        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
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
        Assert.True(firstAttempt.Count > 0 && secondAttempt.Count > 0, $"Both attempts should have checkpoints. {context}");
        Assert.True(firstAttempt.Max(h => h.CheckpointId) < secondAttempt.Min(h => h.CheckpointId), $"The restarted attempt reused ids. {context}");

        var completed = history.Where(h => h.Status == CheckpointStatus.Completed).ToList();
        Assert.True(completed.Count >= 5, $"Expected at least 5 completed checkpoints in about 3 s at a {Interval.TotalMilliseconds} ms interval. {context}");
        Assert.Contains(completed, h => h.Attempt == 1);
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
}
