using OrleansFlow.Jobs;
using OrleansFlow.Metrics;
using OrleansFlow.Tests.Fixtures;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.State;

/// <summary>
/// Keys idle for the job's passivation time deactivate their per-key grains; their state stays with their subtask and
/// comes back with their next record or timer, and timers of passivated keys fire when the watermark passes them.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class PassivationClusterTests(FlowClusterFixture fixture, ITestOutputHelper log)
{
    private const int Keys = 200;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PassivatedKeys_ComeBackWithTheirStateAndFireTheirTimersWhenTheWatermarkPasses(bool checkpointing)
    {
        var run = Probe.NewRun();
        var faults = FaultInjection.Of(run);
        faults.ArmGateAt(Keys); // after phase 1: every key idle until the test opens the gate
        var env = fixture.Environment(2);
        env.Config.IdleKeyPassivation = TimeSpan.FromMilliseconds(200);
        env.Config.BatchSize = 50; // phase 1 leaves the source in batches before the gate (a batch is sent when it is full)
        if (checkpointing)
        {
            env.EnableCheckpointing(TimeSpan.FromMilliseconds(100));
        }

        var job = await env.ExecuteJobAsync<PassivationJob>(PassivationJob.Args(run, Keys), cancellationToken: TestTimeouts.JobToken());
        try
        {
            await Task.WhenAny(faults.GateEntered, job.WaitForCompletionAsync(TestTimeouts.JobToken())).WaitAsync(TestTimeouts.Job);
            Assert.True(faults.GateEntered.IsCompleted, $"The job ended before its source reached the gate: {(await job.GetStatusAsync()).LastFailure?.Message}");
            var passivated = await WaitForAsync(job, s => s.Sum(t => t.Passivations) >= Keys && s.Sum(t => t.ResidentKeys) == 0, $"all {Keys} keys passivated");
            var queried = await job.QueryStateAsync<string, long>(PassivationJob.Operator, "k7", "sum", TestTimeouts.JobToken());
            faults.OpenGate();
            var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());
            var output = (await job.ReadCollectedAsync<string>("out", TestTimeouts.JobToken())).Order(StringComparer.Ordinal).ToList();
            var context = $"Job {job.JobId}: {Describe(passivated)}; output {string.Join(' ', output.Take(10))} ...";
            log.WriteLine(context);

            Assert.True(status.Status == JobStatus.Finished, $"The job is {status.Status}: {status.LastFailure?.Message}. {context}");
            Assert.Equal(0, status.Attempt);
            Assert.Equal(8, queried); // k7's sum after phase 1, read from its subtask's copy while it was passivated
            Assert.Equal(PassivationJob.ExpectedLines(Keys).Order(StringComparer.Ordinal), output);
        }
        finally
        {
            faults.Disarm();
        }
    }

    private static async Task<IReadOnlyList<TaskMetrics>> WaitForAsync(JobClient job, Func<IReadOnlyList<TaskMetrics>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Job;
        while (true)
        {
            var details = await job.GetDetailsAsync(TestTimeouts.JobToken());
            var keyed = details.Vertices.Single(v => v.Name.Contains(PassivationJob.Operator, StringComparison.Ordinal)).Subtasks;
            if (condition(keyed))
            {
                return keyed;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {job.JobId}: gave up waiting for {what}. {Describe(keyed)}");
            }

            await Task.Delay(50);
        }
    }

    private static string Describe(IReadOnlyList<TaskMetrics> subtasks) =>
        string.Join("; ", subtasks.Select(t => $"subtask {t.Subtask}: {t.Keys} keys, {t.ResidentKeys} resident, {t.Passivations} passivations"));
}
