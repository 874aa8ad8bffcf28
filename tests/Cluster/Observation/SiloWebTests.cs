using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using OrleansFlow.Cli;
using OrleansFlow.Examples;
using OrleansFlow.Silo;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Processes;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Cluster.Observation;

/// <summary>
/// Issue 5's observation proof on a real <c>flow silo</c> host (built by <see cref="FlowSiloHost"/> in this process, on
/// its own ports): a running window-sum job shows up in the REST API, the CLI's list/status/state and, in headless
/// Chromium, on the jobs page and the Orleans dashboard.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SiloWebTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _id = "web-" + Guid.NewGuid().ToString("N")[..8];
    private readonly int _siloPort = FreePorts.Next();
    private readonly int _gatewayPort = FreePorts.Next();
    private readonly int _webPort = FreePorts.Next();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunningJob_IsShownByTheRestApiTheCliAndTheJobsPage()
    {
        using var host = FlowSiloHost.Build([
            "--silo-port", $"{_siloPort}", "--gateway-port", $"{_gatewayPort}", "--dashboard-port", $"{_webPort}",
            "--checkpoint-dir", _dir.File("checkpoints"), "--cluster-id", _id, "--service-id", _id]);
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_webPort}/") };
            using (var health = await Json(http, "health"))
            {
                Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
            }

            var input = await CrashInputs.EventsAsync(_dir.Path, 60_000); // 15 s at 4,000 records/s
            await using var connection = await ClusterConnection.ConnectLocalAsync(_gatewayPort, _id, _id, TestTimeouts.JobToken());
            await using var env = StreamExecutionEnvironment.ForCluster(connection.Client).SetParallelism(2).EnableCheckpointing(TimeSpan.FromMilliseconds(300));
            var job = await env.ExecuteJobAsync<WindowSumJob>(
                ["--input", input, "--output", _dir.File("sums.csv"), "--window", "tumbling:60s", "--rate", "4000"], "window-sum", TestTimeouts.JobToken());

            // One window of a minute stays open all along, so every key has state to show while the job runs.
            // While it runs: records flow, a watermark is known, a checkpoint completed, and rates come with a second sample.
            var running = await PollAsync(http, $"jobs/{job.JobId}", j =>
                j.GetProperty("status").GetString() == "Running"
                && Vertex(j, "Window Sum").GetProperty("recordsIn").GetInt64() > 0
                && Vertex(j, "Window Sum").GetProperty("watermark").ValueKind == JsonValueKind.Number
                && Vertex(j, "Window Sum").GetProperty("recordsInPerSecond").ValueKind == JsonValueKind.Number
                && j.GetProperty("checkpoints").GetProperty("completed").GetInt32() > 0);
            var source = Vertex(running.RootElement, "Source");
            Assert.Equal(1, source.GetProperty("parallelism").GetInt32());
            Assert.Equal(2, Vertex(running.RootElement, "Window Sum").GetProperty("subtasks").GetArrayLength());
            Assert.StartsWith("S127.0.0.1:", Vertex(running.RootElement, "Window Sum").GetProperty("subtasks")[0].GetProperty("silo").GetString(), StringComparison.Ordinal);

            using (var jobs = await Json(http, "jobs"))
            {
                Assert.Contains(jobs.RootElement.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == job.JobId);
            }

            using (var checkpoints = await Json(http, $"jobs/{job.JobId}/checkpoints"))
            {
                Assert.Contains(checkpoints.RootElement.GetProperty("history").EnumerateArray(), h => h.GetProperty("status").GetString() == "Completed");
            }

            var target = new[] { "--gateway-port", $"{_gatewayPort}", "--cluster-id", _id, "--service-id", _id };

            // A keyed subtask gathers input before it calls the per-key grains: the first key's state may take a moment.
            var key = File.ReadLines(input).First().Split(',')[1];
            var state = "";
            for (var i = 0; i < 40 && !state.Contains("windows = {TimeWindow[", StringComparison.Ordinal); i++)
            {
                await Task.Delay(i == 0 ? 0 : 250);
                state = await CliAsync(["state", job.JobId, "Window Sum", key, .. target]);
            }

            Assert.Contains("windows = {TimeWindow[", state);
            Assert.Contains(job.JobId, await CliAsync(["list", .. target]));
            var status = await CliAsync(["status", job.JobId, .. target]);
            Assert.Contains("Window Sum", status);
            Assert.Contains("checkpoints: ", status);

            await AssertPagesRenderAsync(job.JobId);

            await job.WaitForCompletionAsync(TestTimeouts.JobToken());
            using var finished = await Json(http, $"jobs/{job.JobId}");
            Assert.Equal("Finished", finished.RootElement.GetProperty("status").GetString());
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("jobs/no-such-job")).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The jobs page and the dashboard, rendered by headless Chromium: a screenshot each, and the page's text.</summary>
    private async Task AssertPagesRenderAsync(string jobId)
    {
        var chromium = Chromium.Path;
        // The page fills in the job's details from a second request; on a loaded machine that can miss Chromium's
        // time budget, so render again (a few times at most) until it did.
        var page = "";
        for (var attempt = 0; attempt < 5 && !(page.Contains(jobId, StringComparison.Ordinal) && page.Contains("Window Sum", StringComparison.Ordinal)); attempt++)
        {
            page = await Chromium.RenderAsync(chromium, $"http://127.0.0.1:{_webPort}/", _dir.File("jobs-page.png"));
        }

        log.WriteLine($"jobs page screenshot: {_dir.File("jobs-page.png")}");
        Assert.Contains("OrleansFlow jobs", page);
        Assert.Contains(jobId, page);
        Assert.Contains("Window Sum", page);
        Assert.True(new FileInfo(_dir.File("jobs-page.png")).Length > 10_000, "The jobs page screenshot is (nearly) empty.");

        var dashboard = await Chromium.RenderAsync(chromium, $"http://127.0.0.1:{_webPort}/dashboard/", _dir.File("dashboard.png"));
        Assert.Contains("Orleans", dashboard, StringComparison.OrdinalIgnoreCase);
        Assert.True(new FileInfo(_dir.File("dashboard.png")).Length > 10_000, "The dashboard screenshot is (nearly) empty.");
    }

    private static async Task<string> CliAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        Assert.True(exit == CliApp.Ok, $"flow {string.Join(' ', args)} exited with {exit}: {stderr}");
        return stdout.ToString();
    }

    private static JsonElement Vertex(JsonElement job, string namePrefix) =>
        job.GetProperty("vertices").EnumerateArray().First(v => v.GetProperty("name").GetString()!.StartsWith(namePrefix, StringComparison.Ordinal));

    private static async Task<JsonDocument> Json(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET /{path}: {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonDocument> PollAsync(HttpClient http, string path, Func<JsonElement, bool> until)
    {
        var watch = Stopwatch.StartNew();
        string last = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var document = await Json(http, path);
            if (until(document.RootElement))
            {
                return document;
            }

            last = document.RootElement.ToString();
            document.Dispose();
            await Task.Delay(250);
        }

        throw new TimeoutException($"GET /{path} never showed what the test waits for; last answer: {last}");
    }
}
