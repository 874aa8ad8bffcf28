using Microsoft.Extensions.Hosting;
using OrleansFlow.Cli;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;
using OrleansFlow.Silo;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Processes;

namespace OrleansFlow.Tests.Cluster.Observation;

/// <summary>A silo host started with a submission token accepts only jobs that carry it, and names the problem otherwise.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SubmissionTokenTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _id = "token-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Submit_ToASiloRequiringAToken_RefusesNoneOrAWrongOneAndRunsWithIt()
    {
        var gatewayPort = FreePorts.Next();
        using var host = FlowSiloHost.Build([
            "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{gatewayPort}", "--dashboard-port", "0",
            "--checkpoint-dir", _dir.File("checkpoints"), "--cluster-id", _id, "--service-id", _id, "--submission-token", "s3cret"]);
        await host.StartAsync();
        try
        {
            await using var connection = await ClusterConnection.ConnectLocalAsync(gatewayPort, _id, _id, TestTimeouts.JobToken());
            var input = _dir.File("in.txt");
            await File.WriteAllLinesAsync(input, ["to be or not to be"]);
            string[] args = ["--input", input, "--output", _dir.File("counts.txt")];

            await using var without = StreamExecutionEnvironment.ForCluster(connection.Client);
            var none = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => without.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken()));
            Assert.Contains("requires a submission token and the submission carried none", none.Message, StringComparison.Ordinal);

            await using var wrong = StreamExecutionEnvironment.ForCluster(connection.Client).WithSubmissionToken("guess");
            var bad = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => wrong.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken()));
            Assert.Contains("carried a wrong one", bad.Message, StringComparison.Ordinal);

            await using var right = StreamExecutionEnvironment.ForCluster(connection.Client).WithSubmissionToken("s3cret");
            var job = await right.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken());
            Assert.Equal(JobStatus.Finished, (await job.WaitForCompletionAsync(TestTimeouts.JobToken())).Status);
            Assert.Contains("be,2", await File.ReadAllLinesAsync(_dir.File("counts.txt")));

            // Refused submissions are not jobs: the registry lists only the one that ran.
            Assert.Equal([job.JobId], (await right.ListJobsAsync(cancellationToken: TestTimeouts.JobToken())).Select(j => j.JobId));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
