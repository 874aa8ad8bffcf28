using System.Text.RegularExpressions;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Real <c>flow silo --redis</c> processes sharing the test Redis, under a cluster id and service id of their own
/// (so their membership, checkpoints and reminders never meet another test's), plus the <c>flow run</c> clients
/// started against them. Killing a silo is SIGKILL. Disposing kills every process it started and deletes the
/// cluster's Redis keys. Keeps a timeline of what it did, for failure messages. Several scenarios may share one cluster
/// (<see cref="CrashClusterFixture"/>): each points <see cref="Output"/> at its own test's output.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>Orleans' <c>SiloStatus.Active</c> in the membership table.</summary>
    private const int ActiveStatus = 3;

    /// <summary>Log lines too frequent to show in a failure message (they are in the log files).</summary>
    private static readonly string[] Routine = [" completed in ", " triggered", "dropped a batch"];

    private readonly ConnectionMultiplexer _redis;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SiloProcess> _silos = [];
    private readonly List<FlowProcess> _clients = [];
    private readonly List<string> _timeline = [];
    private int _started;

    private ProcessCluster(string redisAddress, ConnectionMultiplexer redis, string directory, ITestOutputHelper? output)
    {
        RedisAddress = redisAddress;
        _redis = redis;
        Directory = directory;
        Output = output;
        var id = Guid.NewGuid().ToString("N")[..12];
        ClusterId = "crash-" + id;
        ServiceId = "orleansflow-crash-" + id;
    }

    public string RedisAddress { get; }

    /// <summary>Where <see cref="Note"/> writes besides the timeline: the output of the test using the cluster now, if any.</summary>
    public ITestOutputHelper? Output { get; set; }

    public string ClusterId { get; }

    /// <summary>The prefix of every Redis key the cluster writes.</summary>
    public string ServiceId { get; }

    /// <summary>Where logs and job files go.</summary>
    public string Directory { get; }

    public IReadOnlyList<SiloProcess> LiveSilos => [.. _silos.Where(s => !s.Killed)];

    /// <summary>Arguments every silo started from now on gets beyond the cluster's own.</summary>
    public IReadOnlyList<string> ExtraSiloArguments { get; set; } = [];

    /// <summary>Marks a silo that exited by itself as gone (<see cref="LiveSilos"/> no longer counts it).</summary>
    public void NoteExited(SiloProcess silo)
    {
        silo.Killed = true;
        Note($"{silo} exited with code {silo.Process.ExitCode}");
    }

    /// <summary>The arguments of <c>flow run</c> that submit to this cluster.</summary>
    public IEnumerable<string> ClusterArguments => ["--cluster", RedisAddress, "--cluster-id", ClusterId, "--service-id", ServiceId];

    public static async Task<ProcessCluster> CreateAsync(string redisAddress, string directory, ITestOutputHelper? output)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
        return new ProcessCluster(redisAddress, redis, directory, output);
    }

    /// <summary>
    /// Starts silos until <paramref name="count"/> are live (on a new cluster: <paramref name="count"/> silos) and waits
    /// until every live silo is an active member.
    /// </summary>
    public async Task EnsureSilosAsync(int count, TimeSpan timeout)
    {
        while (LiveSilos.Count < count)
        {
            StartSilo();
        }

        await WaitActiveAsync(LiveSilos, timeout);
    }

    /// <summary>Starts one more silo on fresh ports (not waiting for it to join).</summary>
    public SiloProcess StartSilo()
    {
        var name = $"silo{++_started}";
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var webPort = FreePorts.Next(); // several silos on one machine each need a web port of their own
        var process = FlowProcess.Start(
            name,
            ["silo", "--redis", RedisAddress, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--dashboard-port", $"{webPort}",
                "--cluster-id", ClusterId, "--service-id", ServiceId, .. ExtraSiloArguments],
            Directory,
            Path.Combine(Directory, name + ".log"));
        var silo = new SiloProcess(name, siloPort, gatewayPort, process);
        _silos.Add(silo);
        Note($"started {silo}");
        return silo;
    }

    /// <summary>
    /// Stops <paramref name="silo"/> gracefully with SIGTERM and waits until it has exited; fails unless it exits with
    /// code 0 within <paramref name="timeout"/>.
    /// </summary>
    public async Task TerminateAsync(SiloProcess silo, TimeSpan timeout)
    {
        await SignalTerminateAsync(silo);
        await WaitStoppedCleanlyAsync(silo, timeout);
    }

    /// <summary>Sends <paramref name="silo"/> SIGTERM (a graceful stop) without waiting for it to exit.</summary>
    public async Task SignalTerminateAsync(SiloProcess silo)
    {
        await silo.Process.TerminateAsync();
        silo.Killed = true;
        Note($"sent SIGTERM to {silo}");
    }

    /// <summary>Waits until <paramref name="silo"/>, sent SIGTERM, has exited; fails unless it exits with code 0 within <paramref name="timeout"/>.</summary>
    public async Task WaitStoppedCleanlyAsync(SiloProcess silo, TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await silo.Process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{silo} did not stop within {timeout.TotalSeconds} s of SIGTERM.");
        }

        Note($"{silo} stopped with exit code {silo.Process.ExitCode}");
        if (silo.Process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{silo} exited with code {silo.Process.ExitCode} after SIGTERM (a graceful stop exits with 0).");
        }
    }

    /// <summary>Kills <paramref name="silo"/> with SIGKILL.</summary>
    public void Kill(SiloProcess silo)
    {
        silo.Process.Kill();
        silo.Killed = true;
        Note($"killed {silo} with SIGKILL");
    }

    /// <summary>Waits until every silo of <paramref name="silos"/> is an active member in Redis.</summary>
    public async Task WaitActiveAsync(IReadOnlyCollection<SiloProcess> silos, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var active = await ActiveSiloPortsAsync();
            var missing = silos.Where(s => !active.Contains(s.SiloPort)).ToList();
            if (missing.Count == 0)
            {
                Note($"active: {string.Join(", ", silos.Select(s => s.Name))}");
                return;
            }

            if (missing.FirstOrDefault(s => s.Process.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited} exited with code {exited.Process.ExitCode} before joining the cluster.");
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{string.Join(", ", missing)} did not become active within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Starts <c>flow</c> with <paramref name="arguments"/> (e.g. <c>run ...</c>) in the cluster's directory.</summary>
    public FlowProcess StartClient(string name, IEnumerable<string> arguments, string? program = null)
    {
        var client = FlowProcess.Start(name, arguments, Directory, Path.Combine(Directory, name + ".log"), program);
        _clients.Add(client);
        Note($"started {name} (pid {client.Id})");
        return client;
    }

    /// <summary>Waits until a line of some silo's log (killed silos included) satisfies <paramref name="predicate"/>.</summary>
    public async Task WaitForSiloLineAsync(Func<string, bool> predicate, string what, FlowProcess client, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (!_silos.Any(s => s.Process.AnyLine(predicate)))
        {
            if (client.HasExited)
            {
                throw new InvalidOperationException($"{client.Name} exited with code {client.ExitCode} before {what}.");
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"No silo logged {what} within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }

        Note(what);
    }

    /// <summary>The highest checkpoint id any silo (killed ones included) logged as completed for <paramref name="jobId"/>; 0 before the first.</summary>
    public long LatestCompletedCheckpoint(string jobId)
    {
        var pattern = new Regex($@"Job {Regex.Escape(jobId)}: checkpoint (\d+) completed", RegexOptions.CultureInvariant);
        return _silos.SelectMany(s => s.Process.Lines())
            .Select(l => pattern.Match(l))
            .Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>Records a step of the test on its timeline (and in the test output).</summary>
    public void Note(string what)
    {
        var line = $"{_clock.Elapsed.TotalSeconds,7:F2}s {what}";
        lock (_timeline)
        {
            _timeline.Add(line);
        }

        Output?.WriteLine(line);
    }

    /// <summary>
    /// What happened, for a failure message: the timeline, the job managers' lines, each client's output, and per
    /// silo its notable lines (jobs, tasks, failed checkpoints, errors; up to a limit) and its last lines.
    /// </summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"--- cluster {ClusterId} (service id {ServiceId}), logs in {Directory}");
        lock (_timeline)
        {
            text.AppendLine("--- timeline").AppendJoin('\n', _timeline).AppendLine();
        }

        text.AppendLine("--- job managers").AppendJoin('\n', JobTimeline()).AppendLine();
        foreach (var client in _clients)
        {
            var state = client.HasExited ? $"exited with {client.ExitCode}" : "running";
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {client.Name} ({state})").AppendJoin('\n', client.Lines().TakeLast(40)).AppendLine();
        }

        foreach (var silo in _silos)
        {
            var lines = silo.Process.Lines();
            var notable = lines.Where(IsNotable).TakeLast(60).ToList();
            var completed = lines.Count(l => l.Contains(" completed in ", StringComparison.Ordinal));
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {silo}{(silo.Killed ? ", killed" : string.Empty)}: {lines.Count} lines, {completed} completed checkpoints; notable lines:")
                .AppendJoin('\n', notable.Select(Shorten)).AppendLine()
                .AppendLine("    last lines:").AppendJoin('\n', lines.TakeLast(8).Select(Shorten)).AppendLine();
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _clients.Concat(_silos.Select(s => s.Process)))
        {
            process.Dispose();
        }

        if (Environment.GetEnvironmentVariable("ORLEANSFLOW_CRASH_KEEP_LOGS") is { Length: > 0 })
        {
            await _redis.DisposeAsync(); // keys kept for a look, with the logs
            return;
        }

        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        foreach (var pattern in new[] { ServiceId + "*", ClusterId + "/directory/*" }) // state and reminders; job managers' directory entries
        {
            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                keys.Add(key);
            }
        }

        if (keys.Count > 0)
        {
            await _redis.GetDatabase().KeyDeleteAsync([.. keys]);
        }

        await _redis.DisposeAsync();
    }

    /// <summary>
    /// The job managers' log lines of every silo (killed ones included) in time order, each with its silo: what the
    /// job did (submitted, running, attempt failed, restarted from which checkpoint, finished).
    /// </summary>
    public IReadOnlyList<string> JobTimeline() =>
        [.. _silos.SelectMany(s => s.Process.Lines()
                .Where(l => l.Contains("OrleansFlow.Jobs.", StringComparison.Ordinal))
                .Select(l => (Time: l.Length > 12 ? l[..12] : l, Line: $"{Shorten(l)} [{s.Name}]")))
            .OrderBy(x => x.Time, StringComparer.Ordinal)
            .Select(x => x.Line)];

    /// <summary>Lines about jobs, tasks and failed checkpoints, and errors; not the many routine checkpoint lines.</summary>
    private static bool IsNotable(string line) =>
        (line.Contains("OrleansFlow.", StringComparison.Ordinal) && !Routine.Any(r => line.Contains(r, StringComparison.Ordinal)))
        || line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal)
        || line.Contains("Unhandled", StringComparison.Ordinal);

    private static string Shorten(string line) => line.Length <= 400 ? line : line[..400] + " ...";

    /// <summary>The silo ports of the members Redis lists as active.</summary>
    private async Task<HashSet<int>> ActiveSiloPortsAsync()
    {
        var ports = new HashSet<int>();
        foreach (var entry in await _redis.GetDatabase().HashGetAllAsync($"{ServiceId}/members/{ClusterId}"))
        {
            if (entry.Name == "Version" || entry.Value.IsNullOrEmpty)
            {
                continue;
            }

            using var member = JsonDocument.Parse(entry.Value.ToString());
            var root = member.RootElement;
            // "SiloAddress": { "SiloAddress": "127.0.0.1:21112@154523054" }
            var address = root.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString() ?? string.Empty;
            var port = address.Split('@')[0].Split(':')[^1];
            if (root.GetProperty("Status").GetInt32() == ActiveStatus && int.TryParse(port, CultureInfo.InvariantCulture, out var number))
            {
                ports.Add(number);
            }
        }

        return ports;
    }
}
