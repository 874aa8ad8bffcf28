using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Storage;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

/// <summary>
/// Keyed state is checkpointed as a few snapshot segments per keyed subtask (a chain of deltas on a full segment), not
/// one storage object per key: a restore reads those few objects, a storage failure in the middle of a checkpoint's
/// writes fails that checkpoint only, and what no retained checkpoint names any more is deleted.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SnapshotSegmentClusterTests(ITestOutputHelper log) : IDisposable
{
    private const string KeyedOperator = "Sum";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restore_OfTwentyThousandKeys_ReadsTheFewPartsOfItsSegmentChainsAndTheOutputIsExact()
    {
        const long Count = 40_000;
        const int Keys = 20_000;
        var checkpoints = _dir.File("checkpoints");
        var probe = InstrumentedGrainStorage.ProbeOf(checkpoints);
        await using var cluster = await IsolatedCluster.StartInstrumentedAsync(2, checkpoints);
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        faults.ArmGateAt(30_000); // one source subtask at 15,000/s: reached after 2 s, long after the first checkpoint's barrier
        var output = _dir.File("sums");
        var env = cluster.Environment(2)
            .EnableCheckpointing(TimeSpan.FromMilliseconds(200))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)));
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 15_000, sources: 1, keys: Keys), cancellationToken: TestTimeouts.JobToken());

        await faults.GateEntered.WaitAsync(TestTimeouts.Job);
        await CheckpointWatch.WaitForCompletedAsync(cluster.Client, job.JobId, 1); // a checkpoint whose barrier the source injected before the gate
        probe.ResetCounts();
        faults.ArmThrow(); // the gated record throws once the gate opens: the job restores the latest completed checkpoint
        faults.OpenGate();
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(cluster.Client, job.JobId);
        var context = $"Job {job.JobId}: reads {Describe(probe.Reads)}; {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(status.Status == JobStatus.Finished && status.Attempt == 1, $"The job is {status.Status} in attempt {status.Attempt}. {context}");
        // The restored checkpoint's chains: a full segment and a few deltas per keyed subtask, a part each at this size
        // (and those of a second restore's, should the restored attempt checkpoint again). A per-key layout read 20,000.
        var partReads = probe.Reads.GetValueOrDefault(SegmentStore.PartState);
        Assert.True(partReads is > 0 and <= 20, $"The restore read {partReads} segment parts. {context}");
        Assert.True(probe.Reads.Keys.All(s => s is SegmentStore.PartState or SegmentStore.ManifestState or "coordinator" or "job" or "registry" or "savepoint"),
            $"The restore read per-key state. {context}");
        Assert.True(Directory.GetFiles(checkpoints).Length < 100, $"The checkpoint directory holds {Directory.GetFiles(checkpoints).Length} files. {context}");
        CheckpointedSumJob.AssertExactOutput(Count, output, context, Keys);
    }

    [Fact]
    public async Task Checkpoints_AfterManyHaveCompleted_StorageHoldsOnlyTheSegmentsTheRetainedCheckpointsName()
    {
        const int Keys = 2_000;
        var checkpoints = _dir.File("checkpoints");
        var probe = InstrumentedGrainStorage.ProbeOf(checkpoints);
        await using var cluster = await IsolatedCluster.StartInstrumentedAsync(2, checkpoints);
        var env = cluster.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(100));
        env.CheckpointConfig.RetainedCheckpoints = 2;
        env.CheckpointConfig.MaterializationInterval = TimeSpan.FromMilliseconds(300); // full segments often, so older chains go
        env.CheckpointConfig.ExternalizedCheckpointRetention = ExternalizedCheckpointRetention.RetainOnCancellation;
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>( // endless: it runs until the test cancels it
            CheckpointedSumJob.Args(Probe.NewRun(), _dir.File("sums"), long.MaxValue, 8_000, keys: Keys), cancellationToken: TestTimeouts.JobToken());

        await CheckpointWatch.WaitForCompletedAsync(cluster.Client, job.JobId, 12);
        await job.CancelAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(cluster.Client, job.JobId);
        var named = await NamedSegmentsAsync(cluster.Client, job, overview);
        var stored = await StoredSegmentsAsync(checkpoints);
        var context = $"Job {job.JobId}: stored [{string.Join(' ', stored.Order())}], retained checkpoints name [{string.Join(' ', named.Order())}]; " +
            $"clears {Describe(probe.Clears)}; {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.True(named.Count > 0, $"The retained checkpoints name no segment. {context}");
        Assert.Equal(named.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        // Twelve checkpoints at 100 ms with a full segment every 300 ms: older full segments and their deltas were deleted.
        Assert.True(stored.Count(k => k.EndsWith('f')) <= 2 * 2, $"More full segments are stored than the retained checkpoints can name. {context}");
        Assert.True(probe.Clears.GetValueOrDefault(SegmentStore.PartState) > 0, $"Nothing was deleted. {context}");
    }

    [Fact]
    public async Task StorageFailure_InTheMiddleOfACheckpointsWrites_FailsThatCheckpointOnlyAndARestoreIsExact()
    {
        const long Count = 40_000;
        const int Keys = 2_000;
        var checkpoints = _dir.File("checkpoints");
        var probe = InstrumentedGrainStorage.ProbeOf(checkpoints);
        await using var cluster = await IsolatedCluster.StartInstrumentedAsync(2, checkpoints);
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        faults.ArmGateAt(30_000); // one source subtask at 15,000/s: reached after 2 s
        probe.FailWrites(SegmentStore.PartState, 1); // the first segment: its manifest is written, then its part fails
        var output = _dir.File("sums");
        var env = cluster.Environment(2)
            .EnableCheckpointing(TimeSpan.FromMilliseconds(150))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)));
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 5;
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 15_000, sources: 1, keys: Keys), cancellationToken: TestTimeouts.JobToken());

        await faults.GateEntered.WaitAsync(TestTimeouts.Job);
        var beforeRestart = await CheckpointWatch.WaitForAsync(cluster.Client, job.JobId,
            o => o.History.Any(h => h.Status == CheckpointStatus.Failed) && o.LatestCompletedId > o.History.Where(h => h.Status == CheckpointStatus.Failed).Min(h => h.CheckpointId),
            "the failed checkpoint and a completed one after it");
        faults.ArmThrow();
        faults.OpenGate();
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(cluster.Client, job.JobId);
        var context = $"Job {job.JobId}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);

        Assert.Equal(1, probe.Failed);
        var failure = beforeRestart.History.Where(h => h.Status == CheckpointStatus.Failed).MinBy(h => h.CheckpointId)!;
        Assert.Contains("injected storage failure", failure.FailureReason, StringComparison.Ordinal);
        Assert.True(status.Status == JobStatus.Finished && status.Attempt == 1, $"The job is {status.Status} in attempt {status.Attempt}. {context}");
        CheckpointedSumJob.AssertExactOutput(Count, output, context, Keys);
    }

    /// <summary>The storage keys of the segments the job's retained checkpoints (the newest completed ones) name.</summary>
    private static async Task<HashSet<string>> NamedSegmentsAsync(IGrainFactory grains, JobClient job, CheckpointOverview overview)
    {
        var details = await job.GetDetailsAsync();
        var vertex = details.Vertices.Single(v => v.Name.Contains(KeyedOperator, StringComparison.Ordinal));
        var coordinator = grains.GetGrain<ICheckpointCoordinatorGrain>(job.JobId);
        var retained = overview.History.Where(h => h.Status == CheckpointStatus.Completed).Select(h => h.CheckpointId).OrderDescending().Take(2);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in retained)
        {
            for (var subtask = 0; subtask < vertex.Parallelism; subtask++)
            {
                var record = await coordinator.GetTaskSnapshotAsync(id, vertex.VertexId, subtask, CancellationToken.None);
                named.UnionWith((record?.KeyedState ?? []).Select(s => s.StorageKey));
            }
        }

        return named;
    }

    /// <summary>The storage keys of the segment manifests in the checkpoint directory.</summary>
    private static async Task<List<string>> StoredSegmentsAsync(string directory)
    {
        var keys = new List<string>();
        foreach (var file in Directory.GetFiles(directory, "*.state"))
        {
            if (await StateFile.ReadAsync(file, CancellationToken.None) is { StateName: SegmentStore.ManifestState } content)
            {
                keys.Add(content.GrainId[(SegmentStore.GrainType.Length + 1)..]);
            }
        }

        return keys;
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
}
