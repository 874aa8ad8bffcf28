using System.Globalization;
using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Issue 5's submission of job assemblies the cluster has never seen, on real processes: two <c>flow silo</c>
/// processes with Redis; the sample project <c>samples/UserJob</c> (record types without Orleans attributes through
/// keyBy, windows, keyed state and a file sink) is built during the test in two versions of one assembly name, both
/// are submitted with <c>flow submit --cluster</c> and run side by side with checkpoints, and each output must equal
/// what its version computes. Meanwhile a file that is not an assembly and an unknown <c>--job</c> fail clearly. Last,
/// issue 13's poisonous job: an uploaded job whose code ends the silo process it runs in is failed as poisonous at the
/// first such death (the silos run with <c>--poisonous-job-silo-deaths 1</c>), not redeployed onto the other silo, and
/// the silo that exited comes back and stays up.
/// </summary>
[Trait("Category", "Processes")]
[Collection(ProcessTestsCollection.Name)]
public sealed class UploadedJobProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 3_000;
    private const int Sensors = 4;
    private const long Start = 1_700_000_000_000;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-upload-").FullName;
    private bool _passed;

    [Fact]
    public async Task Submit_TwoVersionsOfOneAssembly_RunSideBySideWithExactOutputsWhileBadSubmissionsFail()
    {
        var redis = Fixtures.RedisTestServer.Address;
        var input = Path.Combine(_directory, "readings.csv");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, Lines).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{Start + (i * 50L)},sensor-{i % Sensors},{(i * 7) % 23}")));
        await using var cluster = await ProcessCluster.CreateAsync(redis, _directory, output);
        try
        {
            // The build and the silos' start overlap.
            var build = UserJobBuild.BuildAllAsync(_directory, Limit);
            cluster.ExtraSiloArguments = ["--poisonous-job-silo-deaths", "1"];
            await cluster.EnsureSilosAsync(2, Limit);
            var (v1, v2, runner, exitingJob) = await build;
            cluster.Note("both versions built");

            string[] engine = ["--parallelism", "2", "--checkpoint-interval", "300ms", .. cluster.ClusterArguments];
            var out1 = Path.Combine(_directory, "out-v1.txt");
            var out2 = Path.Combine(_directory, "out-v2.txt");
            var job1 = cluster.StartClient("submit-v1", ["submit", v1, .. engine, "--", input, out1, "300"]);
            var job2 = cluster.StartClient("submit-v2", ["submit", v2, .. engine, "--", input, out2, "300"]);
            var id1 = await job1.WaitForJobIdAsync(Limit);
            var id2 = await job2.WaitForJobIdAsync(Limit);
            Assert.False(job1.HasExited || job2.HasExited, "a job ended before both had been submitted: they did not run side by side");

            // The two bad submissions side by side: each fails before it reaches the cluster. (The job commands below,
            // which connect, run one at a time: several CLI processes starting at once on two cores can miss the CLI's
            // 10 s connect limit.)
            var notAssembly = Path.Combine(_directory, "NotAnAssembly.dll");
            await File.WriteAllTextAsync(notAssembly, "this is not a .NET assembly");
            var bads = await RunAllToEndAsync(
                cluster,
                ("submit-bad-dll", ["submit", notAssembly, .. cluster.ClusterArguments, "--", input, Path.Combine(_directory, "bad.txt")]),
                ("submit-bad-job", ["submit", v1, "--job", "NoSuchJob", .. cluster.ClusterArguments, "--", input, Path.Combine(_directory, "bad-job.txt")]));
            var (bad, badJob) = (bads[0], bads[1]);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains(bad.Lines(), l => l.Contains("NotAnAssembly.dll' is not a .NET assembly", StringComparison.Ordinal));
            Assert.Equal(2, badJob.ExitCode);
            Assert.Contains(badJob.Lines(), l => l.Contains("has no job type 'NoSuchJob'; its job types: UserJob.SensorStatsJob", StringComparison.Ordinal));
            Assert.False(job1.HasExited || job2.HasExited, "a job ended while the bad submissions ran: make the jobs longer (rate)");

            // The job commands against the running jobs of uploaded code, including a key's live state of a user type.
            var list = await RunToEndAsync(cluster, "list", ["list", .. cluster.ClusterArguments]);
            Assert.True(list.ExitCode == 0 && list.Lines().Any(l => l.StartsWith(id1, StringComparison.Ordinal)) && list.Lines().Any(l => l.StartsWith(id2, StringComparison.Ordinal)),
                $"flow list exited with {list.ExitCode}:\n{string.Join('\n', list.Lines())}");
            var status = await RunToEndAsync(cluster, "status", ["status", id1, .. cluster.ClusterArguments]);
            Assert.True(status.ExitCode == 0 && status.Lines().Any(l => l.StartsWith("Window stats", StringComparison.Ordinal)) && status.Lines().Any(l => l.StartsWith("checkpoints: ", StringComparison.Ordinal)),
                $"flow status exited with {status.ExitCode}:\n{string.Join('\n', status.Lines())}");
            var state = await RunToEndAsync(cluster, "state", ["state", id1, "Sensor totals", "sensor-1", .. cluster.ClusterArguments]);
            Assert.True(state.ExitCode == 0 && state.Lines().Any(l => l.Contains("Sensor = sensor-1", StringComparison.Ordinal)),
                $"flow state exited with {state.ExitCode}:\n{string.Join('\n', state.Lines())}");

            var slow = cluster.StartClient("submit-slow", ["submit", v1, .. engine, "--", input, Path.Combine(_directory, "slow.txt"), "20"]);
            var slowId = await slow.WaitForJobIdAsync(Limit);
            var cancel = await RunToEndAsync(cluster, "cancel", ["cancel", slowId, .. cluster.ClusterArguments]);
            Assert.True(cancel.ExitCode == 0 && cancel.Lines().Contains($"job {slowId} Canceled"), $"flow cancel exited with {cancel.ExitCode}:\n{string.Join('\n', cancel.Lines())}");

            foreach (var job in new[] { job1, job2 })
            {
                using var timeout = new CancellationTokenSource(Limit);
                await job.WaitForExitAsync(timeout.Token);
                Assert.True(job.ExitCode == 0, $"{job.Name} exited with {job.ExitCode}:\n{string.Join('\n', job.Lines().TakeLast(20))}");
            }

            Assert.Equal(Expected(input, "v1", scale: 1), Sorted(out1));
            Assert.Equal(Expected(input, "v2", scale: 2), Sorted(out2));
            cluster.Note($"outputs equal: {File.ReadAllLines(out1).Length} and {File.ReadAllLines(out2).Length} lines");

            // The user's own program submits the job from code (ExecuteJobAsync): the SDK uploads the program's assembly.
            var out3 = Path.Combine(_directory, "out-runner.txt");
            var ids = cluster.ClusterArguments.ToArray();
            var fromCode = await RunToEndAsync(cluster, "runner", [ids[1], input, out3, ids[3], ids[5]], program: runner);
            Assert.True(fromCode.ExitCode == 0, $"the runner exited with {fromCode.ExitCode}:\n{string.Join('\n', fromCode.Lines().TakeLast(20))}");
            Assert.Contains(fromCode.Lines(), l => l.EndsWith(" Finished", StringComparison.Ordinal));
            Assert.Equal(Expected(input, "v1", scale: 1), Sorted(out3));
            cluster.Note($"the program's submission from code: {File.ReadAllLines(out3).Length} lines, equal");

            await PoisonousJobFailsAndTheSiloItKilledStaysUpAsync(cluster, exitingJob, input);
            _passed = true;
        }
        catch (Exception e) when (!_passed)
        {
            throw new InvalidOperationException($"{e.Message}\n{cluster.Diagnostics()}", e);
        }
    }

    /// <summary>
    /// Submits the exiting job at parallelism 1 with checkpoints (so that it would restart: without a restart strategy
    /// a silo's death fails a job anyway): its map ends one silo's process (exit code 42); the job manager, on the other
    /// silo or taking over there, fails the job as poisonous instead of redeploying it, so that silo stays up; the silo
    /// that exited is started again, and the job stays Failed.
    /// </summary>
    private async Task PoisonousJobFailsAndTheSiloItKilledStaysUpAsync(ProcessCluster cluster, string exitingJob, string input)
    {
        var silos = cluster.LiveSilos;
        var submit = await RunToEndAsync(cluster, "submit-exiting", ["submit", exitingJob, "--parallelism", "1", "--checkpoint-interval", "1s", .. cluster.ClusterArguments, "--", input, Path.Combine(_directory, "never.txt")]);
        var submitLines = string.Join('\n', submit.Lines().TakeLast(10));
        Assert.True(submit.ExitCode != 0, $"flow submit of the exiting job exited with 0:\n{submitLines}");
        Assert.Contains(submit.Lines(), l => l.Contains("poisonous job: 1 attempts in a row coincided with a silo's death", StringComparison.Ordinal));
        var id = await submit.WaitForJobIdAsync(Limit);

        var exited = silos.Where(s => s.Process.HasExited).ToList();
        Assert.True(exited.Count == 1, $"{exited.Count} of {silos.Count} silos exited; the job's one task should have ended exactly one:\n{submitLines}");
        Assert.Equal(42, exited[0].Process.ExitCode);
        cluster.NoteExited(exited[0]);

        await cluster.EnsureSilosAsync(2, Limit);
        var status = await RunToEndAsync(cluster, "status-exiting", ["status", id, .. cluster.ClusterArguments]);
        Assert.True(status.Lines().Any(l => l.Contains("Failed", StringComparison.Ordinal)), $"flow status exited with {status.ExitCode}:\n{string.Join('\n', status.Lines())}");
        Assert.All(cluster.LiveSilos, s => Assert.False(s.Process.HasExited, $"{s} exited after the poisonous job was failed"));
        cluster.Note("the exiting job was failed as poisonous; both silos are up");
    }

    public void Dispose()
    {
        if (_passed)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>What <c>SensorStatsJob</c> of a version writes: per sensor and 10 s window, running totals over its windows.</summary>
    private static List<string> Expected(string input, string label, long scale)
    {
        var lines = new List<string>();
        var readings = File.ReadLines(input).Select(l => l.Split(',')).Select(f => (Ts: long.Parse(f[0], CultureInfo.InvariantCulture), Sensor: f[1], Value: long.Parse(f[2], CultureInfo.InvariantCulture) * scale));
        foreach (var sensor in readings.GroupBy(r => r.Sensor))
        {
            long windows = 0, count = 0, sum = 0, max = long.MinValue;
            foreach (var window in sensor.GroupBy(r => r.Ts - (r.Ts % 10_000)).OrderBy(w => w.Key))
            {
                windows++;
                count += window.Count();
                sum += window.Sum(r => r.Value);
                max = Math.Max(max, window.Max(r => r.Value));
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{label},{sensor.Key},{windows},{count},{sum},{max},{window.Key + 10_000}"));
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static List<string> Sorted(string file) => [.. File.ReadAllLines(file).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Runs a client to its end: <c>flow</c>, or a program of the user's (<c>dotnet PROGRAM.dll ARGS</c>) when
    /// <paramref name="program"/> names one; the cluster disposes it.
    /// </summary>
    private static async Task<FlowProcess> RunToEndAsync(ProcessCluster cluster, string name, string[] args, string? program = null)
    {
        var process = cluster.StartClient(name, args, program);
        using var timeout = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(timeout.Token);
        return process;
    }

    /// <summary>Starts the <c>flow</c> clients <paramref name="clients"/> together and runs them all to their end.</summary>
    private static async Task<FlowProcess[]> RunAllToEndAsync(ProcessCluster cluster, params (string Name, string[] Args)[] clients)
    {
        var processes = clients.Select(c => cluster.StartClient(c.Name, c.Args)).ToArray();
        using var timeout = new CancellationTokenSource(Limit);
        await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(timeout.Token)));
        return processes;
    }
}
