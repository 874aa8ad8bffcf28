using Microsoft.Extensions.Logging;
using OrleansFlow.Examples;
using OrleansFlow.Hosting;
using OrleansFlow.Jobs;

namespace OrleansFlow.Cli;

/// <summary>The <c>flow</c> command line. Errors are one line on stderr and a non-zero exit code.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int JobFailed = 1;
    public const int BadUsage = 2;

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
                ["run", .. var rest] => await RunJobAsync(RunOptions.Parse(rest), stderr, cancel.Token),
                [] or ["help" or "--help" or "-h"] => Help(stdout),
                [var command, ..] => throw new UsageException($"unknown command '{command}'; try 'flow help'"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return BadUsage;
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return BadUsage;
        }
        catch (JobExecutionException e) when (e.Failure is { } failure)
        {
            await stderr.WriteLineAsync($"error: job failed in operator '{failure.OperatorName}' (subtask {failure.Subtask}): {failure.Message}");
            return JobFailed;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("error: interrupted");
            return JobFailed;
        }
    }

    private static async Task<int> RunJobAsync(RunOptions options, TextWriter stderr, CancellationToken cancellationToken)
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

        if (options.Cluster is not null)
        {
            throw new UsageException("--cluster needs the silo host of the deployment issue, which is not built yet; run on the embedded silo (no --cluster)");
        }

        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions
        {
            LogLevel = options.Verbose ? LogLevel.Information : LogLevel.Error,
            Parallelism = options.Parallelism,
        });
        var job = await env.ExecuteJobAsync(jobType, options.JobArguments, options.JobName, cancellationToken);
        try
        {
            var status = await job.WaitForCompletionAsync(cancellationToken);
            if (options.Verbose)
            {
                await stderr.WriteLineAsync($"job {job.JobId} {status.Status}");
            }

            return Ok;
        }
        catch (OperationCanceledException)
        {
            await job.CancelAsync(CancellationToken.None);
            throw;
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine("usage: flow run JOB [job options] [--parallelism N] [--verbose]");
        stdout.WriteLine();
        stdout.WriteLine("jobs:");
        foreach (var name in ExampleJobs.Names)
        {
            stdout.WriteLine($"  {name} {ExampleJobs.Usage(name)}");
        }

        return Ok;
    }
}
