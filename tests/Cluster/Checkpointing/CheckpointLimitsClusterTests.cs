using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

/// <summary>The concurrency limit and the minimum pause, read back from the coordinator's history (trigger times and durations).</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CheckpointLimitsClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    /// <summary>Durations are whole milliseconds (truncated); trigger times are exact.</summary>
    private static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(2);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoints_WithOneAtATimeAndAMinimumPause_NeverOverlapAndWaitThePauseAfterEachEnd()
    {
        var minPause = TimeSpan.FromMilliseconds(300);
        // The stall must land inside a checkpoint for the run to show anything; on a loaded machine it sometimes lands
        // between two (the coordinator triggered late), so up to three runs. The pause is checked in every run.
        var exercised = false;
        var contexts = new List<string>();
        for (var runs = 0; runs < 3 && !exercised; runs++)
        {
            var (faults, history, context) = await RunAsync(8000, TimeSpan.FromMilliseconds(1500), config =>
            {
                config.CheckpointInterval = TimeSpan.FromMilliseconds(100);
                config.MaxConcurrentCheckpoints = 1;
                config.MinPauseBetweenCheckpoints = minPause;
            });
            contexts.Add(context);

            Assert.Equal(1, faults.Stalled);
            for (var i = 1; i < history.Count; i++)
            {
                var previous = history[i - 1];
                var end = CheckpointWatch.EndTime(previous)!.Value;
                var gap = history[i].TriggerTime - end;
                Assert.True(gap >= minPause - Granularity,
                    $"Checkpoint {history[i].CheckpointId} started {gap.TotalMilliseconds:F1} ms after checkpoint {previous.CheckpointId} ended (minimum pause {minPause.TotalMilliseconds} ms). {context}");
            }

            // The interval is raised to the pause (300 ms). A checkpoint that waited behind the stall for longer than
            // that had a second one due while it ran; and since every checkpoint takes some time, a pause counted from
            // the trigger instead of the end would show as a shorter gap.
            // A starved machine can also leave too few checkpoints to judge.
            exercised = history.Count >= 4 && history.Any(h => h.DurationMs > 300);
        }

        Assert.True(exercised, $"In three runs there were never four checkpoints with one outlasting the interval. {string.Join(" / ", contexts)}");
    }

    [Fact]
    public async Task Checkpoints_WithTwoConcurrentAndASlowAcknowledgement_OverlapButNeverMoreThanTwo()
    {
        // As above, the stall must hold up a checkpoint for two to overlap; up to three runs, the limit checked in each.
        var overlapping = 0;
        var contexts = new List<string>();
        for (var runs = 0; runs < 3 && overlapping == 0; runs++)
        {
            var (faults, history, context) = await RunAsync(6000, TimeSpan.FromMilliseconds(800), config =>
            {
                config.CheckpointInterval = TimeSpan.FromMilliseconds(100);
                config.MaxConcurrentCheckpoints = 2;
            });
            contexts.Add(context);

            Assert.Equal(1, faults.Stalled);
            foreach (var checkpoint in history)
            {
                var inFlightAtTrigger = history.Count(other => other.CheckpointId != checkpoint.CheckpointId
                    && other.TriggerTime <= checkpoint.TriggerTime && CheckpointWatch.EndTime(other) > checkpoint.TriggerTime + Granularity);
                Assert.True(inFlightAtTrigger <= 1, $"Checkpoint {checkpoint.CheckpointId} started while {inFlightAtTrigger} others were in flight. {context}");
                overlapping += inFlightAtTrigger;
            }
        }

        Assert.True(overlapping > 0, $"In three runs no two checkpoints overlapped although one waited behind a stalled task. {string.Join(" / ", contexts)}");
    }

    /// <summary>Runs the keyed sum with one stall after the second completed checkpoint; returns the history oldest first.</summary>
    private async Task<(FaultInjection Faults, IReadOnlyList<CheckpointStats> History, string Context)> RunAsync(long count, TimeSpan stall, Action<CheckpointConfig> configure)
    {
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums-" + run);
        var env = fixture.Environment(2);
        configure(env.CheckpointConfig);
        env.CheckpointConfig.CheckpointTimeout = TimeSpan.FromSeconds(20);
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, count, 1000), cancellationToken: TestTimeouts.JobToken());
        await CheckpointWatch.WaitForCompletedAsync(fixture.Cluster.Client, job.JobId, 2);
        faults.ArmStall(stall);
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(fixture.Cluster.Client, job.JobId);
        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(status.Status == JobStatus.Finished, $"The job is {status.Status}. {context}");
        Assert.True(status.Attempt == 0, $"The job restarted after: {status.LastFailure}. {context}");
        // With two in flight, a later checkpoint may be acknowledged first (a subtask whose keys did not change has no
        // per-key writes to wait for) and subsume the earlier one, as in Flink; and one triggered as a source finishes
        // fails as not ready, and one in flight when the job ends is dropped with the coordinator. Nothing else may fail.
        Assert.True(
            overview.History.All(h => h.Status != CheckpointStatus.Failed || CheckpointWatch.EndedWithTheJob(h)
                || h.FailureReason!.StartsWith("Subsumed", StringComparison.Ordinal) || h.FailureReason.StartsWith("CoordinatorShutdown: the job ended", StringComparison.Ordinal)),
            $"A checkpoint failed. {context}");
        CheckpointedSumJob.AssertExactOutput(count, output, context);
        return (faults, CheckpointWatch.Chronological(overview), context);
    }
}
