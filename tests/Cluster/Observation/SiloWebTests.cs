using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using OrleansFlow.Checkpoints;
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

    /// <summary>The summary line of <c>flow status</c> (<see cref="CheckpointSummaryLine"/>) with figures.</summary>
    private const string SummaryLinePattern = @"(?m)^checkpoints: [0-9,]+ completed, [0-9,]+ failed, duration p50 [0-9,]+ ms, p99 [0-9,]+ ms, max [0-9,]+ ms, size p50 [0-9,]+ bytes\r?$";

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
                AssertSummaryIsConsistent(checkpoints.RootElement);
            }

            AssertSummaryIsConsistent(running.RootElement.GetProperty("checkpoints"));

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
            Assert.Matches(SummaryLinePattern, status);
            Assert.Contains("latest completed checkpoint: ", status);

            await AssertPagesRenderAsync(job.JobId);

            await job.WaitForCompletionAsync(TestTimeouts.JobToken());
            using var finished = await Json(http, $"jobs/{job.JobId}");
            Assert.Equal("Finished", finished.RootElement.GetProperty("status").GetString());

            // Once the job ended and no checkpoint is in flight (the end aborts one that was), the summary stays put:
            // the CLI and the jobs page must show exactly the line the REST API's figures make.
            using var ended = await PollAsync(http, $"jobs/{job.JobId}/checkpoints",
                c => c.GetProperty("history").EnumerateArray().All(h => h.GetProperty("status").GetString() != "InProgress"));
            var line = CheckpointSummaryLine.Format(SummaryOf(ended.RootElement));
            log.WriteLine($"summary after the end: {line}");
            Assert.Contains(line, (await CliAsync(["status", job.JobId, .. target])).Split('\n').Select(l => l.TrimEnd('\r')));
            await AssertJobsPageShowsSummaryAsync(job.JobId, line);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("jobs/no-such-job")).StatusCode);

            // Issue 13 (8): on this loopback bind, a request naming another host (a DNS-rebinding page) is refused in one line.
            using var rebound = new HttpRequestMessage(HttpMethod.Get, "jobs");
            rebound.Headers.Host = "rebind.example:" + _webPort;
            using var refused = await http.SendAsync(rebound);
            Assert.Equal(System.Net.HttpStatusCode.MisdirectedRequest, refused.StatusCode);
            Assert.StartsWith($"error: Host 'rebind.example:{_webPort}' is not a loopback name", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The jobs page and the dashboard, rendered by headless Chromium: a screenshot each, and the page's text.</summary>
    private async Task AssertPagesRenderAsync(string jobId)
    {
        var page = await RenderJobsPageAsync("jobs-page.png", page => page.Contains(jobId, StringComparison.Ordinal) && page.Contains("Window Sum", StringComparison.Ordinal));
        Assert.Contains("OrleansFlow jobs", page);
        Assert.Contains(jobId, page);
        Assert.Contains("Window Sum", page);
        Assert.Matches(@"<p id=""checkpoint-summary"">checkpoints: [0-9,]+ completed, [0-9,]+ failed, duration p50 [0-9,]+ ms", page);
        Assert.True(new FileInfo(_dir.File("jobs-page.png")).Length > 10_000, "The jobs page screenshot is (nearly) empty.");

        var dashboard = await Chromium.RenderAsync(Chromium.Path, $"http://127.0.0.1:{_webPort}/dashboard/", _dir.File("dashboard.png"));
        Assert.Contains("Orleans", dashboard, StringComparison.OrdinalIgnoreCase);
        Assert.True(new FileInfo(_dir.File("dashboard.png")).Length > 10_000, "The dashboard screenshot is (nearly) empty.");
    }

    /// <summary>The jobs page of the ended job: the summary line as <paramref name="line"/> and the summary table with both rows.</summary>
    private async Task AssertJobsPageShowsSummaryAsync(string jobId, string line)
    {
        var page = await RenderJobsPageAsync("jobs-page-ended.png", page => page.Contains(jobId, StringComparison.Ordinal) && page.Contains(@"<p id=""checkpoint-summary"">checkpoints: ", StringComparison.Ordinal));
        Assert.Equal(line, Regex.Match(page, @"<p id=""checkpoint-summary"">([^<]*)</p>").Groups[1].Value);
        Assert.Contains(@"<table id=""checkpoint-summary-table"">", page, StringComparison.Ordinal); // shown: no hidden attribute
        Assert.Contains("End to end duration (ms)", page);
        Assert.Contains("State size (bytes)", page);
        // Every subtask ended at the largest watermark (Flink's MAX_WATERMARK), which has no date: the page says so.
        Assert.Contains("end of input", page);
    }

    /// <summary>
    /// Renders the jobs page (screenshot to <paramref name="screenshot"/>). The page fills in the job's details from a
    /// second request; on a loaded machine that can miss Chromium's time budget, so it renders again (a few times at
    /// most) until <paramref name="complete"/> holds.
    /// </summary>
    private async Task<string> RenderJobsPageAsync(string screenshot, Func<string, bool> complete)
    {
        var page = "";
        for (var attempt = 0; attempt < 5 && !complete(page); attempt++)
        {
            page = await Chromium.RenderAsync(Chromium.Path, $"http://127.0.0.1:{_webPort}/", _dir.File(screenshot));
        }

        log.WriteLine($"jobs page screenshot: {_dir.File(screenshot)}");
        return page;
    }

    /// <summary>The summary of a <c>checkpoints</c> object of the REST API: present, covering at least one checkpoint, its figures in order.</summary>
    private static void AssertSummaryIsConsistent(JsonElement checkpoints)
    {
        var summary = SummaryOf(checkpoints);
        Assert.True(summary.EndToEndDuration is { Count: >= 1 } d && d.Min <= d.P50 && d.P50 <= d.P99 && d.P99 <= d.Max && d.Min <= d.Average && d.Average <= d.Max,
            $"duration summary out of order: {checkpoints.GetProperty("summary")}");
        Assert.True(summary.StateSize is { Count: >= 1 } z && z.Min <= z.P50 && z.P50 <= z.Max, $"size summary out of order: {checkpoints.GetProperty("summary")}");
    }

    /// <summary>The <see cref="CheckpointSummary"/> a REST <c>checkpoints</c> object describes (counts, then <c>summary</c>'s two statistics).</summary>
    private static CheckpointSummary SummaryOf(JsonElement checkpoints)
    {
        var summary = checkpoints.GetProperty("summary");
        return new CheckpointSummary(
            checkpoints.GetProperty("completed").GetInt32(), checkpoints.GetProperty("failed").GetInt32(), Stats(summary.GetProperty("endToEndDuration")), Stats(summary.GetProperty("stateSize")));

        static StatsSummary? Stats(JsonElement s) => s.ValueKind == JsonValueKind.Null ? null : new StatsSummary(
            s.GetProperty("count").GetInt32(), s.GetProperty("min").GetInt64(), s.GetProperty("max").GetInt64(), s.GetProperty("avg").GetInt64(),
            s.GetProperty("p50").GetDouble(), s.GetProperty("p90").GetDouble(), s.GetProperty("p95").GetDouble(), s.GetProperty("p99").GetDouble(), s.GetProperty("p999").GetDouble());
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
