using Microsoft.Extensions.Hosting;
using OrleansFlow.Artifacts;
using OrleansFlow.Cli;
using OrleansFlow.Examples;
using OrleansFlow.Jobs;
using OrleansFlow.Silo;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Processes;

namespace OrleansFlow.Tests.Cluster.Observation;

/// <summary>
/// A silo host started with a submission token accepts only jobs, uploads and commands (cancel, savepoint, stop) that
/// carry it, and names the problem otherwise.
/// </summary>
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

    private static async Task<(int Exit, string Stdout, string Stderr)> CliAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Submit_ToASiloRequiringAToken_RefusesNoneOrAWrongOneAndRunsWithIt()
    {
        var gatewayPort = FreePorts.Next();
        var webPort = FreePorts.Next();
        using var host = FlowSiloHost.Build([
            "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{gatewayPort}", "--dashboard-port", $"{webPort}", "--dashboard-address", "0.0.0.0",
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

            // Commands that change a job need the token too (issue 13, 1a), checked before anything else about the job.
            var attachedWithout = await without.AttachAsync(job.JobId, TestTimeouts.JobToken());
            var cancel = await Assert.ThrowsAsync<SubmissionRefusedException>(() => attachedWithout.CancelAsync(TestTimeouts.JobToken()));
            Assert.Equal($"'cancel' of job {job.JobId} refused: this cluster requires its submission token for cancel, savepoint and stop, and the request carried none (flow cancel --token, or StreamExecutionEnvironment.WithSubmissionToken).", cancel.Message);
            var savepoint = await Assert.ThrowsAsync<SubmissionRefusedException>(() => attachedWithout.TriggerSavepointAsync(TestTimeouts.JobToken()));
            Assert.StartsWith($"'savepoint' of job {job.JobId} refused:", savepoint.Message, StringComparison.Ordinal);
            var attachedWrong = await wrong.AttachAsync(job.JobId, TestTimeouts.JobToken());
            var stop = await Assert.ThrowsAsync<SubmissionRefusedException>(() => attachedWrong.StopWithSavepointAsync(TestTimeouts.JobToken()));
            Assert.Contains("and the request carried a wrong one", stop.Message, StringComparison.Ordinal);
            Assert.Equal(JobStatus.Finished, (await job.CancelAsync(TestTimeouts.JobToken())).Status); // with the token: accepted (the job had ended)

            // The CLI: one line and exit 1 without the token, the status with it.
            string[] target = ["--gateway-port", $"{gatewayPort}", "--cluster-id", _id, "--service-id", _id];
            var (refusedExit, _, refusedError) = await CliAsync(["cancel", job.JobId, .. target]);
            Assert.Equal(1, refusedExit);
            Assert.Equal($"error: {cancel.Message}", Assert.Single(refusedError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            var (stopExit, _, stopError) = await CliAsync(["stop", job.JobId, "--progress", .. target]);
            Assert.Equal(1, stopExit);
            Assert.StartsWith($"error: 'stop' of job {job.JobId} refused:", Assert.Single(stopError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            var (acceptedExit, acceptedOutput, _) = await CliAsync(["cancel", job.JobId, "--token", "s3cret", .. target]);
            Assert.Equal(0, acceptedExit);
            Assert.Equal($"job {job.JobId} Finished", acceptedOutput.Trim());

            // Issue 13 (8): the web endpoint listens beyond loopback, so the REST API and the dashboard's log stream need the token.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/") };
            using (var anonymousList = await http.GetAsync("jobs"))
            {
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymousList.StatusCode);
                Assert.Equal("error: /jobs needs the cluster's submission token (Authorization: Bearer TOKEN, or the X-OrleansFlow-Token header); the request carried none\n",
                    await anonymousList.Content.ReadAsStringAsync());
            }

            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("dashboard/Trace")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("health")).StatusCode);
            using var authorized = new HttpRequestMessage(HttpMethod.Get, $"jobs/{job.JobId}");
            authorized.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
            using var detail = await http.SendAsync(authorized);
            Assert.Equal(System.Net.HttpStatusCode.OK, detail.StatusCode);
            Assert.Contains(job.JobId, await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);

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
