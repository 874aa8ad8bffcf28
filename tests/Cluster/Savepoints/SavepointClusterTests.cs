using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Savepoints;

/// <summary>
/// Savepoints on the shared two-silo cluster (checkpoints in a local directory): take one of a running keyed job,
/// end the job, start a new job from it; the committed output of both must equal one failure-free run exactly.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SavepointClusterTests(FlowClusterFixture fixture, ITestOutputHelper log) : IDisposable
{
    private const long Count = 6000; // 3,000 per source subtask at 1,000/s: about 3 s
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Savepoint_ThenCancel_ANewJobFromItCommitsExactlyTheRestOfAFailureFreeRun()
    {
        var run = Probe.NewRun();
        var output = _dir.File("sums");
        // Savepoints without frequent periodic checkpoints: no checkpoint after the savepoint commits output before the cancel.
        // 300 records/s per source subtask (10 s), so that a loaded machine still takes the savepoint before the end.
        var first = await fixture.Environment(2).EnableCheckpointing(TimeSpan.FromHours(1))
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 300), cancellationToken: TestTimeouts.JobToken());
        await WaitForOutputAsync(first, output);

        var savepoint = await first.TriggerSavepointAsync(TestTimeouts.JobToken());
        var canceled = await first.CancelAsync(TestTimeouts.JobToken());
        log.WriteLine($"job {first.JobId}: savepoint {savepoint.Id}, then {canceled.Status}");
        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Equal(SavepointIds.Of(first.JobId, savepoint.CheckpointId), savepoint.Id);
        var committedBefore = CheckpointedSumJob.ReadOutput(output).Length;
        Assert.True(committedBefore < Count, $"the first job committed {committedBefore} of {Count} lines: it was not interrupted");

        var second = await fixture.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200)).RestoreFrom(savepoint.Id)
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000), cancellationToken: TestTimeouts.JobToken());
        var status = await second.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.NotEqual(first.JobId, second.JobId);
        Assert.Equal(JobStatus.Finished, status.Status);
        var overview = await CheckpointWatch.OverviewAsync(fixture.Cluster.Client, second.JobId);
        Assert.All(overview.History, h => Assert.True(h.CheckpointId > savepoint.CheckpointId, $"checkpoint {h.CheckpointId} of the new job does not come after the savepoint"));
        CheckpointedSumJob.AssertExactOutput(Count, output, $"savepoint {savepoint.Id}, first job committed {committedBefore} lines; {CheckpointWatch.Describe(overview)}");
    }

    [Fact]
    public async Task Savepoint_AfterLaterCheckpoints_StillRestoresItsKeyedStateAndBadRestoresFailClearly()
    {
        var run = Probe.NewRun();
        // 200 records/s per source subtask (15 s; the job is cancelled long before): a loaded machine, whose checkpoints
        // can be seconds apart, still completes four of them after the savepoint while the job runs.
        var first = await fixture.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(100))
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, _dir.File("first"), Count, 200, sinkUid: "sink-a"), cancellationToken: TestTimeouts.JobToken());
        await CheckpointWatch.WaitForCompletedAsync(fixture.Cluster.Client, first.JobId, 2);
        var savepoint = await first.TriggerSavepointAsync(TestTimeouts.JobToken());
        // Later checkpoints prune per-key versions no restore of the job needs: the savepoint's must stay (pinned).
        // Counted by id, not by completed count: a checkpoint subsumed by the next one completes nothing but is passed.
        var later = await CheckpointWatch.WaitForAsync(fixture.Cluster.Client, first.JobId,
            o => o.LatestCompletedId > savepoint.CheckpointId + 3, $"a completed checkpoint after {savepoint.CheckpointId + 3}");
        await first.CancelAsync(TestTimeouts.JobToken());
        log.WriteLine($"savepoint {savepoint.Id}; {CheckpointWatch.Describe(later)}");
        Assert.True(later.LatestCompletedId > savepoint.CheckpointId + 3, CheckpointWatch.Describe(later));

        var unknown = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Environment(2).EnableCheckpointing(TimeSpan.FromSeconds(1)).RestoreFrom("savepoint-nosuchjob-7")
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, _dir.File("x"), Count, 1000), cancellationToken: TestTimeouts.JobToken()));
        Assert.Contains("'savepoint-nosuchjob-7': there is no such savepoint", unknown.Message, StringComparison.Ordinal);

        // The sink has another uid now: the savepoint's sink state has nowhere to go.
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Environment(2).EnableCheckpointing(TimeSpan.FromSeconds(1)).RestoreFrom(savepoint.Id)
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, _dir.File("x"), Count, 1000, sinkUid: "sink-b"), cancellationToken: TestTimeouts.JobToken()));
        Assert.Contains($"Cannot restore savepoint {savepoint.Id}: it holds state of operator", missing.Message, StringComparison.Ordinal);
        Assert.Contains("(uid 'sink-a'), which this job does not have", missing.Message, StringComparison.Ordinal);

        // Dropping the sink's state: a fresh sink writes what the restored running sums emit from the savepoint on.
        var output = _dir.File("second");
        var second = await fixture.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200)).RestoreFrom(savepoint.Id, allowNonRestoredState: true)
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000, sinkUid: "sink-b"), cancellationToken: TestTimeouts.JobToken());
        Assert.Equal(JobStatus.Finished, (await second.WaitForCompletionAsync(TestTimeouts.JobToken())).Status);

        var expected = CheckpointedSumJob.RunningSums(Count);
        var actual = CheckpointedSumJob.ReadOutput(output).Select(l => l.Split(',')).GroupBy(p => int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Select(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray());
        Assert.True(actual.Count == CheckpointedSumJob.Keys, $"only keys {string.Join(',', actual.Keys)} have output");
        foreach (var (key, sums) in actual)
        {
            // Each key continues from its running sum at the savepoint: its output is exactly the tail of its failure-free sums.
            var tail = expected[key][^sums.Length..];
            Assert.True(tail.SequenceEqual(sums),
                $"key {key}: the restored job emitted {sums.Length} sums from {sums[0]} to {sums[^1]}, not the last {sums.Length} of a failure-free run ({tail[0]} to {tail[^1]})");
            Assert.True(sums.Length < expected[key].Length, $"key {key} started from scratch");
        }
    }

    [Fact]
    public async Task Savepoint_OfAJobWithoutCheckpointingOrNotRunning_FailsClearly()
    {
        var output = _dir.File("plain");
        var plain = await fixture.Environment(2)
            .ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(Probe.NewRun(), output, 400, 1000), cancellationToken: TestTimeouts.JobToken());
        var off = await Assert.ThrowsAnyAsync<Exception>(() => plain.TriggerSavepointAsync(TestTimeouts.JobToken()));
        Assert.Contains($"Job {plain.JobId} cannot take a savepoint: its checkpointing is off", off.Message, StringComparison.Ordinal);

        await plain.WaitForCompletionAsync(TestTimeouts.JobToken());
        var finished = await Assert.ThrowsAnyAsync<Exception>(() => plain.TriggerSavepointAsync(TestTimeouts.JobToken()));
        Assert.Contains($"Job {plain.JobId} is Finished: only a running job can take a savepoint", finished.Message, StringComparison.Ordinal);
    }

    /// <summary>Lets the job read part of its input, so a savepoint falls mid-stream.</summary>
    private static async Task WaitForOutputAsync(JobClient job, string output)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // about 2,000 of 6,000 records
        var status = await job.GetStatusAsync(TestTimeouts.JobToken());
        Assert.True(status.Status == JobStatus.Running, $"the job is {status.Status} before the savepoint (output {output})");
    }
}
