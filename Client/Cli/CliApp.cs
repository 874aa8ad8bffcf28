using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansFlow.Artifacts;
using OrleansFlow.Examples;
using OrleansFlow.Hosting;
using OrleansFlow.Jobs;
using OrleansFlow.Silo;
using OrleansFlow.Text;

namespace OrleansFlow.Cli;

/// <summary>The <c>flow</c> command line. Errors are one line on stderr and a non-zero exit code.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int JobFailed = 1;
    public const int BadUsage = 2;

    /// <summary>How long a silo waits for Redis to answer its start-up and shutdown checks.</summary>
    private static readonly TimeSpan RedisCheckWait = TimeSpan.FromSeconds(2);

    /// <summary>How long <c>flow silo --redis</c> waits for its Redis to answer before it gives up at start.</summary>
    private static readonly TimeSpan RedisConnectWait = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return args switch
            {
                ["run", .. var rest] => await RunJobAsync(RunOptions.Parse(rest), stdout, stderr, cancel.Token),
                ["submit", .. var rest] => await SubmitAsync(RunOptions.ParseSubmit(rest), stdout, stderr, cancel.Token),
                ["silo", .. var rest] => await RunSiloAsync(rest, stderr, cancel.Token),
                [var command and ("list" or "status" or "cancel" or "state"), .. var rest] => await JobCommands.RunAsync(command, rest, stdout, cancel.Token),
                ["savepoint", .. var rest] => await SavepointAsync(JobCommandOptions.Parse("savepoint", rest), stop: false, stdout, stderr, cancel.Token),
                ["resume", .. var rest] => await ResumeAsync(rest, stderr, cancel.Token),
                ["stop", .. var rest] => await SavepointAsync(JobCommandOptions.Parse("stop", rest), stop: true, stdout, stderr, cancel.Token),
                [] or ["help" or "--help" or "-h"] => Help(stdout),
                [var command, ..] => throw new UsageException($"unknown command '{command}'; try 'flow help'"),
            };
        }
        catch (UsageException e)
        {
            await WriteErrorAsync(stderr, e.Message);
            return BadUsage;
        }
        catch (ArgumentException e)
        {
            await WriteErrorAsync(stderr, e.Message);
            return BadUsage;
        }
        catch (JobExecutionException e) when (e.Failure is { } failure)
        {
            await WriteErrorAsync(stderr, $"job failed in operator '{failure.OperatorName}' (subtask {failure.Subtask}): {failure.Message}");
            return JobFailed;
        }
        catch (OptionsValidationException e)
        {
            await WriteErrorAsync(stderr, string.Join(" ", e.Failures));
            return BadUsage;
        }
        catch (Exception e) when (e is SubmissionRefusedException or JobNotFoundException or JobNotRunningException or SavepointRefusedException
                                       or SavepointNotFoundException or SavepointException or InvalidSubmissionException or StaleActivationException)
        {
            // What the cluster refused, by type: a submission without the token, an unknown job or savepoint, a job that
            // is not running or cannot take a savepoint, a savepoint that failed, state that cannot be restored, a job
            // manager or coordinator activation that was stale (the user tries again).
            await WriteErrorAsync(stderr, e.Message);
            return JobFailed;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or KeyNotFoundException or InvalidOperationException)
        {
            // Problems found in this process (a job graph that cannot be planned, a file that cannot be read), and a
            // checkpoint the coordinator does not retain (KeyNotFoundException): the cluster's refusals are typed, above.
            await WriteErrorAsync(stderr, e.Message);
            return JobFailed;
        }
        catch (ClusterUnavailableException e)
        {
            await WriteErrorAsync(stderr, e.Message);
            return JobFailed;
        }
        catch (Exception e) when (e is TimeoutException or Orleans.Runtime.OrleansException)
        {
            await WriteErrorAsync(stderr, $"the cluster did not answer: {e.Message}");
            return JobFailed;
        }
        catch (OperationCanceledException)
        {
            await WriteErrorAsync(stderr, "interrupted");
            return JobFailed;
        }
    }

    /// <summary>
    /// The one error line: messages can quote records and lines from input (a bad record, a user function's exception),
    /// so control characters are escaped (<see cref="ControlCharacters"/>) and the line stays one line.
    /// </summary>
    internal static Task WriteErrorAsync(TextWriter stderr, string message) => stderr.WriteLineAsync("error: " + ControlCharacters.Escape(message));

    private static async Task<int> RunJobAsync(RunOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var jobType = ExampleJobs.Resolve(options.JobName);
        var arguments = new JobArguments(options.JobArguments);
        foreach (var input in ExampleJobs.InputOptions(options.JobName))
        {
            if (arguments.Optional(input) is { } path && !File.Exists(path))
            {
                throw new UsageException($"input file '{path}' does not exist");
            }
        }

        return await ExecuteAndWaitAsync(options, jobType, announceAlways: false, stdout, stderr, cancellationToken);
    }

    /// <summary>
    /// <c>flow submit PATH/TO/Job.dll</c>: loads the job assembly (with its private dependencies) into a load context
    /// of its own, picks the job type, and runs it as <c>flow run</c> does; the environment uploads the assembly to the
    /// cluster (or the embedded silo) before the job. Every problem with the file is reported before anything is sent.
    /// </summary>
    private static async Task<int> SubmitAsync(RunOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var jobType = JobAssembly.LoadFile(options.JobName).GetJobType(options.JobType);
        return await ExecuteAndWaitAsync(options, jobType, announceAlways: true, stdout, stderr, cancellationToken);
    }

    /// <summary>Submits <paramref name="jobType"/> with the engine options, prints its id, and waits for it (progress, savepoint on interrupt).</summary>
    private static async Task<int> ExecuteAndWaitAsync(RunOptions options, Type jobType, bool announceAlways, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var connection = options.Cluster is { } redis ? await ClusterConnection.ConnectAsync(redis, options.ClusterId, options.ServiceId, cancellationToken) : null;
        await using var env = connection is not null
            ? StreamExecutionEnvironment.ForCluster(connection.Client)
            : LocalStreamEnvironment.Create(new LocalEnvironmentOptions
            {
                LogLevel = options.Verbose ? LogLevel.Information : LogLevel.Error,
                FrameworkLogLevel = options.Verbose ? LogLevel.Information : LogLevel.None, // Orleans' lines only with --verbose
            });
        options.ApplyTo(env);
        var job = await env.ExecuteJobAsync(jobType, options.JobArguments, announceAlways ? jobType.Name : options.JobName, cancellationToken);
        if (connection is null && options.FaultTolerance.CheckpointingEnabled)
        {
            // The embedded job dies with this process; its checkpoints stay in the checkpoint directory.
            await stderr.WriteLineAsync($"job {job.JobId} submitted; should this process die, 'flow resume {job.JobId}' continues it from its latest checkpoint");
        }
        else if (connection is not null || announceAlways)
        {
            // So that 'flow savepoint JOB' and 'flow stop JOB' can name it.
            await stderr.WriteLineAsync($"job {job.JobId} submitted");
        }

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = options.Progress ? JobProgress.ReportAsync(job, stderr, stopProgress.Token) : Task.CompletedTask;
        try
        {
            var status = await job.WaitForCompletionAsync(cancellationToken);
            await StopAsync(stopProgress, progress);
            if (options.Verbose || options.Progress)
            {
                var runtime = status.Runtime is { } took ? $", job runtime {took.TotalMilliseconds:N0} ms" : string.Empty;
                await stderr.WriteLineAsync($"job {job.JobId} {status.Status}{runtime}");
                await JobProgress.WriteCheckpointSummaryAsync(job, stderr, cancellationToken);
            }

            if (options.Verbose && connection is null)
            {
                // The embedded silo ran in this process: what its garbage collector did.
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"gc: {GC.CollectionCount(0):N0} gen0, {GC.CollectionCount(1):N0} gen1, {GC.CollectionCount(2):N0} gen2 collections, paused {GC.GetTotalPauseDuration().TotalMilliseconds:N0} ms, allocated {GC.GetTotalAllocatedBytes() / (1 << 20):N0} MiB"));
            }

            return Ok;
        }
        catch (JobExecutionException) when (options.Verbose || options.Progress)
        {
            // The summary comes just before the error line CliApp writes for the failure.
            await StopAsync(stopProgress, progress);
            await JobProgress.WriteCheckpointSummaryAsync(job, stderr, cancellationToken);
            throw;
        }
        catch (OperationCanceledException) when (options.FaultTolerance.SavepointOnInterrupt)
        {
            await StopAsync(stopProgress, progress);
            var savepoint = await job.StopWithSavepointAsync(CancellationToken.None);
            PrintSavepoint(stdout, savepoint, $"job {job.JobId} stopped with a savepoint");
            return Ok;
        }
        catch (OperationCanceledException)
        {
            await StopAsync(stopProgress, progress);
            await job.CancelAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await StopAsync(stopProgress, progress); // also when the job failed: no progress line after the error
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task progress)
    {
        await stop.CancelAsync();
        await progress;
    }

    /// <summary><c>flow savepoint JOB</c> and <c>flow stop JOB --savepoint</c> on a cluster.</summary>
    private static async Task<int> SavepointAsync(JobCommandOptions options, bool stop, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var connection = await options.Target.ConnectAsync(cancellationToken);
        await using var env = options.Target.CreateEnvironment(connection);
        var job = await env.AttachAsync(options.JobId, cancellationToken);
        var progress = options.Progress ? new SavepointProgressWriter(stderr, JobProgress.Period) : null;
        var savepoint = stop ? await job.StopWithSavepointAsync(progress, cancellationToken) : await job.TriggerSavepointAsync(progress, cancellationToken);
        PrintSavepoint(stdout, savepoint, stop ? $"job {job.JobId} stopped with a savepoint" : null);
        return Ok;
    }

    private static void PrintSavepoint(TextWriter stdout, Savepoint savepoint, string? what)
    {
        if (what is not null)
        {
            stdout.WriteLine(what);
        }

        stdout.WriteLine($"Savepoint completed: {savepoint.Id}");
        stdout.WriteLine($"(in the cluster's checkpoint storage, provider 'flow-checkpoints'; start a new job from it with --from-savepoint {savepoint.Id})");
    }

    /// <summary>
    /// <c>flow resume JOB_ID</c>: starts the embedded silo on the same checkpoint directory and wakes the job's manager,
    /// which finds the job still marked running with its silo gone and restarts it from its latest completed checkpoint
    /// (the recovery path of a silo crash); then waits for the job as <c>flow run</c> does.
    /// </summary>
    private static async Task<int> ResumeAsync(IReadOnlyList<string> args, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args is not [var jobId] || jobId.StartsWith('-'))
        {
            throw new UsageException("'resume' takes the id of an embedded job ('flow run' printed it); a job on a cluster resumes by itself after a crash");
        }

        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions { LogLevel = LogLevel.Error, FrameworkLogLevel = LogLevel.None });
        var job = await JobCommands.AttachAsync(env, jobId, $"in {Path.GetFullPath(LocalEnvironmentOptions.DefaultCheckpointDirectory)}", cancellationToken);

        var status = await job.GetStatusAsync(cancellationToken);
        if (status.Status.IsTerminal())
        {
            await stderr.WriteLineAsync($"job {jobId} already ended: {status.Status}");
            return status.Status == JobStatus.Finished ? Ok : JobFailed;
        }

        await stderr.WriteLineAsync($"job {jobId} resumes from its latest completed checkpoint");
        await job.WaitForCompletionAsync(cancellationToken);
        return Ok;
    }

    /// <summary>
    /// <c>flow silo</c>: runs the silo host until SIGTERM or Ctrl+C, then stops it gracefully within
    /// <c>--shutdown-timeout</c>. A stop that does not finish in time is given up: one line says so and why, and the
    /// process exits with <see cref="JobFailed"/> at once (whatever Orleans still waits for, e.g. a paused Redis).
    /// </summary>
    private static async Task<int> RunSiloAsync(string[] args, TextWriter stderr, CancellationToken cancellationToken)
    {
        var host = FlowSiloHost.Build(args);
        var settings = host.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        if (settings.Redis is { } given && !await RedisServerCheck.AnswersAsync(given, RedisConnectWait))
        {
            // Before Orleans starts: its providers would fail one after another with stack traces.
            host.Dispose();
            throw new ClusterUnavailableException(
                $"cannot reach Redis at {given} (--redis): it did not answer within {RedisConnectWait.TotalSeconds:0} s; start redis-server there, or name a running one", new TimeoutException());
        }

        var disposeHost = true;
        try
        {
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is AddressInUseException)
            {
                // Kestrel could not listen (it wraps the in-use error of the address it was given): most often another silo
                // on this machine has the web port.
                throw new UsageException($"the silo's web endpoint could not listen ({e.Message}); give each silo on a machine its own --dashboard-port, or 0 for none");
            }

            if (settings.Redis is { } redis && await RedisServerCheck.CheckPersistenceAsync(redis, RedisCheckWait, cancellationToken) is { } persistence)
            {
                await stderr.WriteLineAsync(persistence);
            }

            await WaitForStopAsync(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping, cancellationToken);
            var shutdown = new BoundedShutdown(SiloHostOptionsValidator.ShutdownTimeout(settings), TimeProvider.System);
            if (await shutdown.StopAsync(host.StopAsync, CancellationToken.None) == ShutdownOutcome.Stopped)
            {
                return Ok;
            }

            // The host cannot be disposed (its stop still waits), and the console lifetime's exit handler would wait for it.
            disposeHost = false;
            var why = settings.Redis is { } server ? await RedisServerCheck.DescribeAsync(server, RedisCheckWait) : "the silo's shutdown did not complete";
            await WriteErrorAsync(stderr, $"the silo did not stop within {settings.ShutdownTimeout} (--shutdown-timeout): {why}; exiting without finishing the graceful stop");
            await stderr.FlushAsync(CancellationToken.None);
            (host.Services.GetService<IHostLifetime>() as IDisposable)?.Dispose();
            Environment.Exit(JobFailed);
            return JobFailed;
        }
        finally
        {
            if (disposeHost)
            {
                host.Dispose();
            }
        }
    }

    private static async Task WaitForStopAsync(CancellationToken stopping, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM (the host's lifetime) or Ctrl+C (the CLI's token): stop.
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine("usage: flow run JOB [job options] [--parallelism N] [--passivate-idle-keys D|never] [--cluster REDIS_HOST:PORT [--cluster-id ID] [--service-id ID]] [--token T] [--progress] [--verbose]");
        foreach (var line in FaultToleranceOptions.Usage)
        {
            stdout.WriteLine($"                     {line}");
        }

        stdout.WriteLine("       flow submit PATH/TO/Job.dll [--job TYPE] [--parallelism N] [--passivate-idle-keys D|never] [--cluster REDIS_HOST:PORT [--cluster-id ID] [--service-id ID]] [--token T]");
        stdout.WriteLine("                  [checkpoint and restart options as for run] [--progress] [--verbose] [-- job arguments]");
        stdout.WriteLine("                  (your own job project: uploads the assembly and its private dependencies, then runs it as 'run' does)");
        stdout.WriteLine("       flow silo [--redis HOST:PORT] [--silo-port N] [--gateway-port N] [--dashboard-port N] [--dashboard-address IP] [--advertised-address IP] [--cluster-id ID] [--service-id ID] [--checkpoint-dir DIR] [--submission-token T | --insecure] [--max-artifact-bytes N] [--poisonous-job-silo-deaths N] [--shutdown-timeout D]");
        stdout.WriteLine($"       {JobCommands.Usage}");
        stdout.WriteLine("       flow resume JOB_ID   (an embedded job whose process died: continues it from its latest checkpoint)");
        stdout.WriteLine();
        stdout.WriteLine("jobs:");
        foreach (var name in ExampleJobs.Names)
        {
            stdout.WriteLine($"  {name} {ExampleJobs.Usage(name)}");
        }

        return Ok;
    }
}
