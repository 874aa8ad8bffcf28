using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// The issue's crash proof on real processes: a failure-free embedded run of a <c>flow run</c> command gives the
/// expected output; then three <c>flow silo</c> processes run the same command (rate-limited, so it lasts long
/// enough) while silos are killed with SIGKILL (or stopped gracefully with SIGTERM) at seeded random points and replaced; the committed output must equal
/// the expected one exactly (sorted, line by line).
/// </summary>
internal sealed class CrashRecoveryScenario(string directory, ITestOutputHelper output)
{
    private const int Silos = 3;
    private static readonly TimeSpan SiloStart = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JobStart = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JobEnd = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(30);

    /// <summary>Checkpointing and restarts, the same for both runs.</summary>
    public static readonly string[] FaultTolerance = ["--checkpoint-interval", "300ms", "--restart-attempts", "20", "--restart-delay", "500ms"];

    /// <summary>
    /// Runs <paramref name="job"/> with <paramref name="jobArguments"/> (input and job options; the output file is
    /// added) embedded without failures, then on the cluster at <paramref name="rate"/> records/s with
    /// <paramref name="kills"/> kills, and compares both outputs.
    /// </summary>
    public async Task RunAsync(string job, IReadOnlyList<string> jobArguments, int rate, int kills, CrashSchedule schedule, bool graceful = false)
    {
        var redis = Fixtures.RedisTestServer.Address; // fails at once, saying how to get a Redis, when there is none
        var expected = await RunEmbeddedAsync(job, jobArguments);
        await using var cluster = await ProcessCluster.CreateAsync(redis, directory, output);
        cluster.Note($"seed {schedule.Seed} ({CrashSchedule.SeedVariable} to repeat), cluster {cluster.ClusterId}");
        try
        {
            await cluster.StartSilosAsync(Silos, SiloStart);
            var outputFile = Path.Combine(directory, "cluster-output.txt");
            var client = cluster.StartClient(
                "client",
                ["run", job, .. jobArguments, "--output", outputFile, .. FaultTolerance, "--rate", $"{rate}", .. cluster.ClusterArguments, "--verbose"]);
            await cluster.WaitForSiloLineAsync(l => l.Contains(" is Running", StringComparison.Ordinal), "the job is running", client, JobStart);

            var killed = 0;
            for (var i = 0; i < kills; i++)
            {
                await Task.WhenAny(Task.Delay(schedule.NextDelay()), client.WaitForExitAsync(CancellationToken.None));
                if (client.HasExited)
                {
                    break;
                }

                if (graceful)
                {
                    await cluster.TerminateAsync(schedule.Pick(cluster.LiveSilos), GracefulStop);
                }
                else
                {
                    cluster.Kill(schedule.Pick(cluster.LiveSilos));
                }

                killed++;
                var replacement = cluster.StartSilo();
                await cluster.WaitActiveAsync([replacement], SiloStart);
            }

            using (var timeout = new CancellationTokenSource(JobEnd))
            {
                try
                {
                    await client.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"The job did not end within {JobEnd.TotalSeconds} s of the last kill.");
                }
            }

            cluster.Note($"client exited with {client.ExitCode}; job managers:\n{string.Join('\n', cluster.JobTimeline())}");
            Check(client.ExitCode == 0, $"flow run exited with {client.ExitCode}", cluster);
            Check(killed == kills, $"only {killed} of {kills} kills happened while the job ran: make the job longer (--rate)", cluster);
            CompareOutputs(expected, File.ReadAllLines(outputFile), cluster);
            cluster.Note($"output equal: {expected.Count} lines after {killed} kills");
        }
        catch (Exception e) when (e is not CrashRecoveryException)
        {
            throw new CrashRecoveryException($"{e.GetType().Name}: {e.Message}\n{cluster.Diagnostics()}", e);
        }
    }

    private async Task<List<string>> RunEmbeddedAsync(string job, IReadOnlyList<string> jobArguments)
    {
        var dir = Path.Combine(directory, "embedded");
        Directory.CreateDirectory(dir);
        var outputFile = Path.Combine(dir, "output.txt");
        using var reference = FlowProcess.Start("embedded", ["run", job, .. jobArguments, "--output", outputFile, .. FaultTolerance], dir, Path.Combine(dir, "flow.log"));
        using var timeout = new CancellationTokenSource(JobEnd);
        await reference.WaitForExitAsync(timeout.Token);
        if (reference.ExitCode != 0)
        {
            throw new CrashRecoveryException($"The failure-free embedded run exited with {reference.ExitCode}:\n{string.Join('\n', reference.Lines().TakeLast(20))}", null);
        }

        var lines = File.ReadAllLines(outputFile).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"embedded run: {lines.Count} output lines");
        return lines;
    }

    private static void CompareOutputs(List<string> expected, string[] actualLines, ProcessCluster cluster)
    {
        var actual = actualLines.Order(StringComparer.Ordinal).ToList();
        if (expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            return;
        }

        var missing = expected.Except(actual, StringComparer.Ordinal).Take(5);
        var extra = actual.Except(expected, StringComparer.Ordinal).Take(5);
        var duplicates = actual.GroupBy(l => l, StringComparer.Ordinal).Count(g => g.Count() > 1) - expected.GroupBy(l => l, StringComparer.Ordinal).Count(g => g.Count() > 1);
        Check(false,
            $"the committed output differs from the failure-free run: {actual.Count} lines instead of {expected.Count}; " +
            $"first missing: [{string.Join("; ", missing)}], first unexpected: [{string.Join("; ", extra)}], more duplicated lines: {duplicates}",
            cluster);
    }

    private static void Check(bool condition, string message, ProcessCluster cluster)
    {
        if (!condition)
        {
            throw new CrashRecoveryException($"{message}\n{cluster.Diagnostics()}", null);
        }
    }
}

/// <summary>A crash test failed; the message holds the timeline and the processes' logs.</summary>
internal sealed class CrashRecoveryException(string message, Exception? inner) : Exception(message, inner);
