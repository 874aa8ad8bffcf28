using OrleansFlow.Checkpoints;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Savepoints;

/// <summary>
/// Stop-with-savepoint of the window-sum example (keyed windows and their timers), then every silo stops; a new
/// cluster over the same checkpoint storage starts a new job from the savepoint. The committed output of both jobs
/// must equal one failure-free run's exactly.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StopWithSavepointClusterTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TempDirectory _checkpoints = new();

    public void Dispose()
    {
        _dir.Dispose();
        _checkpoints.Dispose();
    }

    [Fact]
    public async Task StopWithSavepoint_ThenRestoreOnARestartedCluster_CommitsExactlyTheFailureFreeWindowOutput()
    {
        var input = WindowSumEvents.Write(_dir.File("events.csv"), count: 12000, keys: 150, seed: 9);
        string[] Args(string output, bool rated) =>
        [
            "--input", input, "--output", output, "--window", "tumbling:200ms", "--out-of-orderness", "40ms",
            .. rated ? new[] { "--rate", "3000" } : [],
        ];
        var output = _dir.File("out.csv");
        string[] expected;
        Savepoint savepoint;
        int committedAtStop;
        await using (var cluster = await IsolatedCluster.StartAsync(2, _checkpoints.Path))
        {
            expected = await RunAsync(cluster.Environment(2), Args(_dir.File("expected.csv"), rated: false));
            var job = await cluster.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200))
                .ExecuteJobAsync<WindowSumJob>(Args(output, rated: true), cancellationToken: TestTimeouts.JobToken());
            await CheckpointWatch.WaitForCompletedAsync(cluster.Cluster.Client, job.JobId, 2);

            var progress = new RecordingProgress<SavepointProgress>();
            savepoint = await job.StopWithSavepointAsync(progress, TestTimeouts.JobToken());
            // Whatever was reported belongs to this savepoint, and the phases come in order.
            Assert.All(progress.Reports, p => Assert.Equal((job.JobId, savepoint.CheckpointId), (p.JobId, p.CheckpointId)));
            Assert.Equal(progress.Reports.Select(p => p.Phase).Order(), progress.Reports.Select(p => p.Phase));
            Assert.All(progress.Reports, p => Assert.Equal(p.Phase == SavepointPhase.StoppingJob, p.JobStatus is not null));

            var status = await job.GetStatusAsync(TestTimeouts.JobToken());
            var overview = await CheckpointWatch.OverviewAsync(cluster.Cluster.Client, job.JobId);
            committedAtStop = File.ReadAllLines(output).Length;
            log.WriteLine($"job {job.JobId} {status.Status} with savepoint {savepoint.Id}; {committedAtStop} of {expected.Length} lines committed; {CheckpointWatch.Describe(overview)}");
            Assert.Equal(JobStatus.Finished, status.Status);
            Assert.Contains(overview.History, h => h.CheckpointId == savepoint.CheckpointId && h.IsSavepoint && h.Status == CheckpointStatus.Completed);
            Assert.DoesNotContain(overview.History, h => h.CheckpointId > savepoint.CheckpointId);
            Assert.True(committedAtStop > 0 && committedAtStop < expected.Length, $"{committedAtStop} of {expected.Length} lines were committed at the stop");
        }

        // Every silo of that cluster is gone; the savepoint lives in the checkpoint storage.
        await using (var cluster = await IsolatedCluster.StartAsync(2, _checkpoints.Path))
        {
            var job = await cluster.Environment(2).EnableCheckpointing(TimeSpan.FromMilliseconds(200)).RestoreFrom(savepoint.Id)
                .ExecuteJobAsync<WindowSumJob>(Args(output, rated: true), cancellationToken: TestTimeouts.JobToken());
            var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
            Assert.Equal(JobStatus.Finished, status.Status);
        }

        var actual = File.ReadAllLines(output);
        var missing = expected.Except(actual).Take(10);
        var extra = actual.Except(expected).Take(10);
        Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(actual.Order(StringComparer.Ordinal)),
            $"committed output differs from the failure-free run ({actual.Length} lines, expected {expected.Length}, {committedAtStop} at the stop); " +
            $"missing: {string.Join(" ", missing)}; extra: {string.Join(" ", extra)}");
    }

    private static async Task<string[]> RunAsync(StreamExecutionEnvironment env, string[] args)
    {
        var job = await env.ExecuteJobAsync<WindowSumJob>(args, cancellationToken: TestTimeouts.JobToken());
        Assert.Equal(JobStatus.Finished, (await job.WaitForCompletionAsync(TestTimeouts.JobToken())).Status);
        return File.ReadAllLines(args[Array.IndexOf(args, "--output") + 1]);
    }
}
