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
        // The gate holds a checkpoint in flight until it is older than the pause (explicit synchronisation, no luck):
        // with the interval raised to the pause, a second checkpoint was due while it ran, and since it takes that long,
        // a pause counted from the trigger instead of the end would show as a shorter gap after it.
        var (faults, history, context) = await RunAsync(
            12_000,
            config =>
            {
                config.CheckpointInterval = TimeSpan.FromMilliseconds(100);
                config.MaxConcurrentCheckpoints = 1;
                config.MinPauseBetweenCheckpoints = minPause;
            },
            o => o.History.Any(h => h.Status == CheckpointStatus.InProgress && DateTimeOffset.UtcNow - h.TriggerTime > minPause + Granularity),
            $"a checkpoint in flight for more than {minPause.TotalMilliseconds} ms");

        Assert.Equal(1, faults.Stalled);
        var held = history.First(h => h.DurationMs > minPause.TotalMilliseconds);
        Assert.True(history[^1].CheckpointId > held.CheckpointId, $"No checkpoint followed the held one, so the pause after it was not seen. {context}");
        for (var i = 1; i < history.Count; i++)
        {
            var previous = history[i - 1];
            var end = CheckpointWatch.EndTime(previous)!.Value;
            var gap = history[i].TriggerTime - end;
            Assert.True(gap >= minPause - Granularity,
                $"Checkpoint {history[i].CheckpointId} started {gap.TotalMilliseconds:F1} ms after checkpoint {previous.CheckpointId} ended (minimum pause {minPause.TotalMilliseconds} ms). {context}");
        }
    }

    [Fact]
    public async Task Checkpoints_WithTwoConcurrentAndASlowAcknowledgement_OverlapButNeverMoreThanTwo()
    {
        // The gate holds the acknowledgements until two checkpoints are in flight at once; the limit is then checked
        // over the whole history (no third one may have started while both were open).
        var (faults, history, context) = await RunAsync(
            12_000,
            config =>
            {
                config.CheckpointInterval = TimeSpan.FromMilliseconds(100);
                config.MaxConcurrentCheckpoints = 2;
            },
            o => o.History.Count(h => h.Status == CheckpointStatus.InProgress) == 2,
            "two checkpoints in flight at once");

        Assert.Equal(1, faults.Stalled);
        var overlapping = 0;
        foreach (var checkpoint in history)
        {
            var inFlightAtTrigger = history.Count(other => other.CheckpointId != checkpoint.CheckpointId
                && other.TriggerTime <= checkpoint.TriggerTime && CheckpointWatch.EndTime(other) > checkpoint.TriggerTime + Granularity);
            Assert.True(inFlightAtTrigger <= 1, $"Checkpoint {checkpoint.CheckpointId} started while {inFlightAtTrigger} others were in flight. {context}");
            overlapping += inFlightAtTrigger;
        }

        Assert.True(overlapping > 0, $"No two checkpoints overlapped although two were seen in flight at once. {context}");
    }

    /// <summary>
    /// Runs the keyed sum; after the second completed checkpoint the next record through the "Stall" map blocks its
    /// subtask at a gate (no barrier passes it) until the coordinator's overview shows <paramref name="held"/>.
    /// Returns the history oldest first.
    /// </summary>
    private async Task<(FaultInjection Faults, IReadOnlyList<CheckpointStats> History, string Context)> RunAsync(
        long count, Action<CheckpointConfig> configure, Func<CheckpointOverview, bool> held, string heldWhat)
    {
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        var output = _dir.File("sums-" + run);
        var env = fixture.Environment(2);
        configure(env.CheckpointConfig);
        env.CheckpointConfig.CheckpointTimeout = TimeSpan.FromSeconds(20);
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, count, 1000), cancellationToken: TestTimeouts.JobToken());
        CheckpointOverview? heldOverview = null;
        try
        {
            await CheckpointWatch.WaitForCompletedAsync(fixture.Cluster.Client, job.JobId, 2);
            faults.ArmGate();
            await faults.GateEntered.WaitAsync(TestTimeouts.Job);
            heldOverview = await CheckpointWatch.WaitForAsync(fixture.Cluster.Client, job.JobId, held, heldWhat);
        }
        finally
        {
            faults.OpenGate();
        }

        // The overview keeps only the latest checkpoints: read the held ones' ends before later ones push them out.
        var heldIds = heldOverview!.History.Where(h => h.Status == CheckpointStatus.InProgress).Select(h => h.CheckpointId).ToHashSet();
        var settled = await CheckpointWatch.WaitForAsync(fixture.Cluster.Client, job.JobId,
            o => heldIds.All(id => o.History.Any(h => h.CheckpointId == id && h.Status != CheckpointStatus.InProgress)), "the held checkpoints to end");
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
        var merged = overview with { History = [.. overview.History.UnionBy(settled.History.Where(h => h.Status != CheckpointStatus.InProgress), h => h.CheckpointId)] };
        return (faults, CheckpointWatch.Chronological(merged), context);
    }
}
