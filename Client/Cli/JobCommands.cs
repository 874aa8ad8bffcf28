using System.Globalization;
using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Metrics;
using OrleansFlow.Text;

namespace OrleansFlow.Cli;

/// <summary><c>flow list | status JOB | cancel JOB | state JOB OPERATOR KEY</c> against a running cluster.</summary>
internal static class JobCommands
{
    public const string Usage =
        "flow list | status JOB | cancel JOB | state JOB OPERATOR KEY | savepoint JOB | stop JOB --savepoint\n" +
        "            [--cluster REDIS_HOST:PORT | --gateway-port N (a local 'flow silo', default 30000)] [--cluster-id ID] [--service-id ID] [--token T] [--connect-timeout D]";

    public static async Task<int> RunAsync(string command, IReadOnlyList<string> args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var (target, operands, _) = ClusterTarget.Parse(args);
        var expected = command switch
        {
            "list" => 0,
            "status" or "cancel" => 1,
            _ => 3,
        };
        if (operands.Count != expected)
        {
            throw new UsageException(command switch
            {
                "list" => $"'list' takes no operands, got '{string.Join(' ', operands)}'",
                "state" => "'state' needs a job id, an operator name (or uid) and a key",
                _ => $"'{command}' needs a job id",
            });
        }

        await using var connection = await target.ConnectAsync(cancellationToken);
        await using var env = target.CreateEnvironment(connection);
        if (command == "list")
        {
            await ListAsync(env, stdout, cancellationToken);
            return CliApp.Ok;
        }

        var job = await AttachAsync(env, operands[0], "on this cluster ('flow list' shows the jobs)", cancellationToken);
        switch (command)
        {
            case "status":
                Print(await job.GetDetailsAsync(cancellationToken), stdout);
                break;
            case "cancel":
                var status = await job.CancelAsync(cancellationToken);
                await stdout.WriteLineAsync($"job {status.JobId} {status.Status}");
                break;
            default:
                await PrintStateAsync(job, operands[1], operands[2], stdout, cancellationToken);
                break;
        }

        return CliApp.Ok;
    }

    private static async Task ListAsync(StreamExecutionEnvironment env, TextWriter stdout, CancellationToken cancellationToken)
    {
        var jobs = await env.ListJobsAsync(cancellationToken: cancellationToken);
        await stdout.WriteLineAsync($"{"JOB ID",-34}{"STATUS",-12}{"SUBMITTED (UTC)",-21}NAME");
        foreach (var entry in jobs)
        {
            var status = await env.GetJobStatusAsync(entry.JobId, cancellationToken);
            await stdout.WriteLineAsync($"{entry.JobId,-34}{status.Status,-12}{entry.SubmittedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-21}{entry.JobName}");
        }
    }

    /// <summary>Attaches to a job; an unknown id is a usage error saying where the command looked (<paramref name="where"/>).</summary>
    public static async Task<JobClient> AttachAsync(StreamExecutionEnvironment env, string jobId, string where, CancellationToken cancellationToken)
    {
        try
        {
            return await env.AttachAsync(jobId, cancellationToken);
        }
        catch (JobNotFoundException)
        {
            throw new UsageException($"there is no job '{jobId}' {where}");
        }
    }

    private static void Print(JobDetails details, TextWriter stdout)
    {
        var s = details.Status;
        stdout.WriteLine($"job {s.JobId} ({s.JobName}) {s.Status}, attempt {s.Attempt}, {s.FinishedTasks}/{s.TotalTasks} tasks finished, submitted {details.SubmittedAt:u}");
        if (s.Failure is { } failure)
        {
            stdout.WriteLine($"failure: {failure.OperatorName}[{failure.Subtask}]: {ControlCharacters.Escape(failure.Message)}");
        }
        else if (s.LastFailure is { } last)
        {
            stdout.WriteLine($"last restart after: {last.OperatorName}[{last.Subtask}]: {ControlCharacters.Escape(last.Message)}");
        }

        stdout.WriteLine($"{"OPERATOR",-50}{"PAR",5}{"RECORDS IN",14}{"RECORDS OUT",14}{"WATERMARK",16}{"BACKPRESSURE MS",17}{"IN FLIGHT",11}");
        foreach (var v in details.Vertices)
        {
            var watermark = v.Watermark is { } w ? w.ToString(CultureInfo.InvariantCulture) : "-";
            stdout.WriteLine(
                $"{Truncate(v.Name, 49),-50}{v.Parallelism,5}{v.RecordsIn,14:N0}{v.RecordsOut,14:N0}{watermark,16}" +
                $"{v.BackPressuredMs,17:N0}{v.OutputBatchesInFlight,11}");
        }

        if (details.Checkpoints is { } checkpoints)
        {
            stdout.WriteLine(CheckpointSummaryLine.Format(checkpoints.Summary));
            var latest = checkpoints.History.FirstOrDefault(h => h.CheckpointId == checkpoints.LatestCompletedId);
            stdout.WriteLine(checkpoints.LatestCompletedId == CheckpointIds.None
                ? "latest completed checkpoint: none"
                : $"latest completed checkpoint: {checkpoints.LatestCompletedId}" + (latest is { DurationMs: { } ms } ? $" ({ms:N0} ms, {latest.StateSize:N0} bytes)" : ""));
        }
        else
        {
            stdout.WriteLine("checkpoints: off");
        }
    }

    private static async Task PrintStateAsync(JobClient job, string operatorName, string key, TextWriter stdout, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string?> states;
        try
        {
            states = await job.QueryStateTextAsync(operatorName, key, cancellationToken);
        }
        catch (KeyNotFoundException e)
        {
            throw new UsageException(e.Message);
        }

        if (states.Count == 0)
        {
            await stdout.WriteLineAsync($"key '{key}' of '{operatorName}' has no state");
            return;
        }

        foreach (var (name, value) in states)
        {
            await stdout.WriteLineAsync($"{name} = {value ?? "null"}");
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
