using Microsoft.Extensions.Hosting;
using OrleansFlow.Artifacts;
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

    /// <summary>An artifact of <paramref name="size"/> bytes under a correct content id (the grain checks size and token, it does not load it).</summary>
    private static JobArtifact Artifact(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        JobArtifactFile[] files = [new("Tiny.dll", bytes)];
        return new JobArtifact(JobArtifactPackager.ContentId("Tiny", files), "Tiny", files);
    }

    [Fact]
    public async Task Submit_ToASiloRequiringAToken_RefusesNoneOrAWrongOneAndRunsWithIt()
    {
        var gatewayPort = FreePorts.Next();
        using var host = FlowSiloHost.Build([
            "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{gatewayPort}", "--dashboard-port", "0",
            "--checkpoint-dir", _dir.File("checkpoints"), "--cluster-id", _id, "--service-id", _id, "--submission-token", "s3cret", "--max-artifact-bytes", "4096"]);
        await host.StartAsync();
        try
        {
            await using var connection = await ClusterConnection.ConnectLocalAsync(gatewayPort, _id, _id, TestTimeouts.JobToken());
            var input = _dir.File("in.txt");
            await File.WriteAllLinesAsync(input, ["to be or not to be"]);
            string[] args = ["--input", input, "--output", _dir.File("counts.txt")];

            await using var without = StreamExecutionEnvironment.ForCluster(connection.Client);
            var none = await Assert.ThrowsAsync<SubmissionRefusedException>(() => without.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken()));
            Assert.Contains("requires a submission token and the submission carried none", none.Message, StringComparison.Ordinal);

            await using var wrong = StreamExecutionEnvironment.ForCluster(connection.Client).WithSubmissionToken("guess");
            var bad = await Assert.ThrowsAsync<SubmissionRefusedException>(() => wrong.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken()));
            Assert.Contains("carried a wrong one", bad.Message, StringComparison.Ordinal);

            await using var right = StreamExecutionEnvironment.ForCluster(connection.Client).WithSubmissionToken("s3cret");
            var job = await right.ExecuteJobAsync<WordCountJob>(args, cancellationToken: TestTimeouts.JobToken());
            Assert.Equal(JobStatus.Finished, (await job.WaitForCompletionAsync(TestTimeouts.JobToken())).Status);
            Assert.Contains("be,2", await File.ReadAllLinesAsync(_dir.File("counts.txt")));

            // Refused submissions are not jobs: the registry lists only the one that ran.
            Assert.Equal([job.JobId], (await right.ListJobsAsync(cancellationToken: TestTimeouts.JobToken())).Select(j => j.JobId));

            // Uploads of job code need the token too, and are refused above the silo's size limit; nothing is stored then.
            var small = Artifact(1000);
            var smallGrain = connection.Client.GetGrain<IJobArtifactGrain>(small.Id);
            var anonymous = await Assert.ThrowsAsync<SubmissionRefusedException>(() => smallGrain.UploadAsync(small, null, TestTimeouts.JobToken()));
            Assert.Contains($"Upload of job artifact {small.Id} refused: this cluster requires a submission token and the upload carried none", anonymous.Message, StringComparison.Ordinal);
            Assert.False(await smallGrain.ExistsAsync(TestTimeouts.JobToken()));

            var big = Artifact(5000);
            var bigGrain = connection.Client.GetGrain<IJobArtifactGrain>(big.Id);
            var tooBig = await Assert.ThrowsAnyAsync<Exception>(() => bigGrain.UploadAsync(big, "s3cret", TestTimeouts.JobToken()));
            Assert.Contains($"Job artifact {big.Id} (Tiny) refused: it is 5,000 bytes, more than this cluster's limit of 4,096 bytes", tooBig.Message, StringComparison.Ordinal);
            Assert.False(await bigGrain.ExistsAsync(TestTimeouts.JobToken()));

            await smallGrain.UploadAsync(small, "s3cret", TestTimeouts.JobToken());
            Assert.True(await smallGrain.ExistsAsync(TestTimeouts.JobToken()));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
