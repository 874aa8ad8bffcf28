using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Checkpointing;

/// <summary>
/// Checkpoint storage (and reminders, and the job manager's state) on a Redis of the test's own, which the test makes
/// unavailable for 3 s (SIGSTOP): checkpoints in that time fail, later ones complete, and the output stays exact.
/// Redis commands give up after 1 s here (StackExchange.Redis waits 5 s by default, which a 3 s outage would only
/// delay), so writes during the outage fail, and some of them still reach Redis when it comes back.
/// </summary>
// In the shared cluster's collection although it builds its own cluster, so that it runs after, not beside, the other
// cluster tests: its timing (1 s timeouts, fast failure detection) should not compete with them for two cores.
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RedisOutageClusterTests(ITestOutputHelper log) : IDisposable
{
    private const long Count = 18_000; // 9 s at 1,000 records/s per source subtask: several seconds go on after the outage
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoints_WhileRedisIsUnavailableBetweenCheckpoints_FailAndResumeWhenItReturns()
    {
        // Redis stops right after a checkpoint completed: the next one cannot even record its id.
        var result = await RunWithOutageAsync(o => o.Completed >= 2 && o.History[0].Status == CheckpointStatus.Completed);

        result.AssertRecovered();
        Assert.Contains(result.Failed, h => h.FailureReason!.StartsWith("storage failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Checkpoints_WhileRedisIsUnavailableDuringACheckpoint_FailAndResumeWhenItReturns()
    {
        // Redis stops while a checkpoint is in progress: per-key state writes are in flight.
        var result = await RunWithOutageAsync(o => o.Completed >= 2 && o.History[0].Status == CheckpointStatus.InProgress);

        result.AssertRecovered();
    }

    private async Task<OutageRun> RunWithOutageAsync(Func<CheckpointOverview, bool> pauseWhen)
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var cluster = await IsolatedCluster.StartOnRedisAsync($"{redis.Address},syncTimeout=1000,asyncTimeout=1000", silos: 2);
        var run = Probe.NewRun();
        var output = _dir.File("sums-" + run);
        var env = cluster.Environment(2)
            .EnableCheckpointing(TimeSpan.FromMilliseconds(500))
            .SetRestartStrategy(RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(200)));
        env.CheckpointConfig.CheckpointTimeout = TimeSpan.FromSeconds(2);
        env.CheckpointConfig.TolerableCheckpointFailureNumber = 100;
        var job = await env.ExecuteJobAsync<CheckpointedSumJob>(CheckpointedSumJob.Args(run, output, Count, 1000), cancellationToken: TestTimeouts.JobToken());

        var before = await CheckpointWatch.WaitForAsync(cluster.Client, job.JobId, pauseWhen, "the moment to stop Redis");
        var pausedAt = DateTimeOffset.UtcNow;
        await redis.PauseAsync();
        await Task.Delay(Outage);
        var resumingAt = DateTimeOffset.UtcNow;
        await redis.ResumeAsync();
        var resumedAt = DateTimeOffset.UtcNow;
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
        var overview = await CheckpointWatch.OverviewAsync(cluster.Client, job.JobId);
        var context = $"Job {job.JobId}, Redis stopped {pausedAt:HH:mm:ss.fff}-{resumedAt:HH:mm:ss.fff}: {CheckpointWatch.Describe(overview)}";
        log.WriteLine(context);
        return new OutageRun(status, before, overview, pausedAt, resumingAt, resumedAt, output, context);
    }

    private sealed record OutageRun(
        JobStatusInfo Status, CheckpointOverview Before, CheckpointOverview After, DateTimeOffset PausedAt, DateTimeOffset ResumingAt, DateTimeOffset ResumedAt,
        string Output, string Context)
    {
        /// <summary>Failed checkpoints, but for those the end of the job overtook.</summary>
        public IReadOnlyList<CheckpointStats> Failed =>
            [.. CheckpointWatch.Chronological(After).Where(h => h.Status == CheckpointStatus.Failed && !CheckpointWatch.EndedWithTheJob(h))];

        /// <summary>Some checkpoints failed, all during the outage; later ones completed; the output is exact.</summary>
        public void AssertRecovered()
        {
            Assert.Equal(JobStatus.Finished, Status.Status);
            CheckpointedSumJob.AssertExactOutput(Count, Output, Context);
            Assert.True(Failed.Count > 0, $"No checkpoint failed while Redis was unavailable. {Context}");
            Assert.All(Failed, h => Assert.True(h.TriggerTime < ResumedAt && CheckpointWatch.EndTime(h) > PausedAt, $"Checkpoint {h.CheckpointId} failed outside the outage. {Context}"));
            // Completing needs storage, so a checkpoint that completed after Redis was told to resume was taken after
            // the outage. (Its trigger can fall before ResumedAt, which is read once Redis answers again.)
            Assert.Contains(CheckpointWatch.Chronological(After), h => h.Status == CheckpointStatus.Completed && CheckpointWatch.EndTime(h) > ResumingAt);
            Assert.True(After.LatestCompletedId > Before.LatestCompletedId, Context);
            Assert.Equal(After.History.Count(h => h.Status == CheckpointStatus.Failed), After.Failed);
        }
    }
}
