using Xunit.Abstractions;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// The issue's crash proof on real processes: a failure-free embedded run of a <c>flow run</c> command gives the
/// expected output (<see cref="RunEmbeddedAsync"/>); then three <c>flow silo</c> processes run the same command
/// (rate-limited, so it lasts long enough) while silos are killed with SIGKILL (or stopped gracefully with SIGTERM) at
/// seeded random points and replaced; the committed output must equal the expected one exactly (sorted, line by line).
/// The scenarios of <see cref="CrashRecoveryProcessTests"/> run one after another on one cluster
/// (<see cref="CrashClusterFixture"/>): each starts with three live active silos and leaves three.
/// </summary>
internal sealed class CrashRecoveryScenario(ProcessCluster cluster, ITestOutputHelper output)
{
    public const int Silos = 3;
    public static readonly TimeSpan SiloStart = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JobStart = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JobEnd = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(30);

    /// <summary>Checkpointing and restarts, the same for both runs.</summary>
    public static readonly string[] FaultTolerance = ["--checkpoint-interval", "300ms", "--restart-attempts", "20", "--restart-delay", "500ms"];

    /// <summary>
    /// Runs <paramref name="job"/> (its input and options; the output file is added) on the cluster at
    /// <paramref name="rate"/> records/s with <paramref name="kills"/> kills, and compares its output with the job's
    /// failure-free embedded output. <paramref name="name"/> names the scenario's client and output files.
    /// </summary>
    public async Task RunAsync(string name, CrashJob job, int rate, int kills, CrashSchedule schedule, bool graceful = false)
    {
        cluster.Output = output;
        cluster.Note($"scenario {name}: seed {schedule.Seed} ({CrashSchedule.SeedVariable} to repeat), cluster {cluster.ClusterId}");
        try
        {
            await cluster.EnsureSilosAsync(Silos, SiloStart);
            var outputFile = Path.Combine(cluster.Directory, $"cluster-output-{name}.txt");
            var client = cluster.StartClient(
                $"client-{name}",
                ["run", job.Job, .. job.Arguments, "--output", outputFile, .. FaultTolerance, "--rate", $"{rate}", .. cluster.ClusterArguments, "--verbose"]);
            var jobId = await client.WaitForJobIdAsync(JobStart);
            await cluster.WaitForSiloLineAsync(l => l.Contains($"Job {jobId} is Running", StringComparison.Ordinal), $"job {jobId} is running", client, JobStart);

            var killed = 0;
            var checkpointAtLastKill = 0L;
            var joining = new List<SiloProcess>();
            for (var i = 0; i < kills; i++)
            {
                // Each kill waits for the job to complete a seeded number of checkpoints after the previous one (or
                // after it started): a condition, not a stretch of clock time, so a slow machine delays the kill
                // instead of letting the job run out of input before it.
                var wanted = checkpointAtLastKill + schedule.NextCheckpoints();
                var waitedFor = System.Diagnostics.Stopwatch.StartNew();
                while (!client.HasExited && cluster.LatestCompletedCheckpoint(jobId) < wanted)
                {
                    if (waitedFor.Elapsed > JobEnd)
                    {
                        throw new TimeoutException($"Job {jobId} completed no checkpoint {wanted} within {JobEnd.TotalSeconds} s.");
                    }

                    await Task.Delay(100);
                }

                if (client.HasExited)
                {
                    break;
                }

                checkpointAtLastKill = cluster.LatestCompletedCheckpoint(jobId);
                cluster.Note($"checkpoint {checkpointAtLastKill} of job {jobId} completed");

                // Only silos known to be active are stopped: a replacement may still be joining.
                var victim = schedule.Pick([.. cluster.LiveSilos.Where(s => !joining.Contains(s))]);
                if (graceful)
                {
                    await cluster.SignalTerminateAsync(victim);
                }
                else
                {
                    cluster.Kill(victim);
                }

                killed++;

                // The replacement starts at once and joins while the job recovers: a silo takes seconds to join on a
                // loaded machine, and waiting for it here once let the job run out of input before its next kill.
                joining.Add(cluster.StartSilo());
                if (graceful)
                {
                    await cluster.WaitStoppedCleanlyAsync(victim, GracefulStop);
                }
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

            await cluster.WaitActiveAsync(joining, SiloStart);
            cluster.Note($"client exited with {client.ExitCode}; job managers:\n{string.Join('\n', cluster.JobTimeline().Where(l => l.Contains(jobId, StringComparison.Ordinal)))}");
            Check(client.ExitCode == 0, $"flow run exited with {client.ExitCode}", cluster);
            Check(killed == kills, $"only {killed} of {kills} kills happened while the job ran: make the job longer (--rate)", cluster);
            CompareOutputs(job.Expected, File.ReadAllLines(outputFile), cluster);
            cluster.Note($"output equal: {job.Expected.Count} lines after {killed} kills");
        }
        catch (Exception e) when (e is not CrashRecoveryException)
        {
            throw new CrashRecoveryException($"{e.GetType().Name}: {e.Message}\n{cluster.Diagnostics()}", e);
        }
        finally
        {
            cluster.Output = null; // the test ends here; later notes belong to the next scenario
        }
    }

    /// <summary>
    /// Runs <c>flow run <paramref name="job"/> <paramref name="arguments"/></c> (input and job options; the output file
    /// is added) embedded, without failures, in a directory of its own under <paramref name="directory"/>, and returns
    /// its output sorted: what the cluster runs of the same command must commit.
    /// </summary>
    public static async Task<CrashJob> RunEmbeddedAsync(string directory, string name, string job, IReadOnlyList<string> arguments)
    {
        var dir = Path.Combine(directory, "embedded-" + name);
        Directory.CreateDirectory(dir);
        var outputFile = Path.Combine(dir, "output.txt");
        using var reference = FlowProcess.Start("embedded-" + name, ["run", job, .. arguments, "--output", outputFile, .. FaultTolerance], dir, Path.Combine(dir, "flow.log"));
        using var timeout = new CancellationTokenSource(JobEnd);
        await reference.WaitForExitAsync(timeout.Token);
        if (reference.ExitCode != 0)
        {
            throw new CrashRecoveryException($"The failure-free embedded run of {name} exited with {reference.ExitCode}:\n{string.Join('\n', reference.Lines().TakeLast(20))}", null);
        }

        return new CrashJob(job, arguments, [.. File.ReadAllLines(outputFile).Order(StringComparer.Ordinal)]);
    }

    private static void CompareOutputs(IReadOnlyList<string> expected, string[] actualLines, ProcessCluster cluster)
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

/// <summary>A <c>flow run</c> command of a crash scenario (<c>flow run JOB ARGUMENTS</c>) and its failure-free output, sorted.</summary>
internal sealed record CrashJob(string Job, IReadOnlyList<string> Arguments, IReadOnlyList<string> Expected);

/// <summary>A crash test failed; the message holds the timeline and the processes' logs.</summary>
internal sealed class CrashRecoveryException(string message, Exception? inner) : Exception(message, inner);
