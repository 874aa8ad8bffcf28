namespace OrleansFlow.Cli;

/// <summary>
/// The options of the commands that act on a running job of a cluster: <c>flow savepoint JOB</c> and
/// <c>flow stop JOB [--savepoint]</c>. They need <c>--cluster</c>: a job on the embedded silo lives inside its
/// <c>flow run</c> process, which takes a savepoint on Ctrl+C with <c>--savepoint-on-interrupt</c>.
/// </summary>
internal sealed class JobCommandOptions
{
    public required string JobId { get; init; }

    public required string Cluster { get; init; }

    public string ClusterId { get; init; } = RunOptions.DefaultId;

    public string ServiceId { get; init; } = RunOptions.DefaultId;

    /// <summary>Reads the arguments after <paramref name="command"/> (<c>savepoint</c> or <c>stop</c>).</summary>
    public static JobCommandOptions Parse(string command, IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException($"'{command}' needs a job id (flow run --cluster prints it)");
        }

        string? cluster = null;
        string? clusterId = null;
        string? serviceId = null;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--cluster":
                    cluster = CliArgs.Value(args, ref i);
                    break;
                case "--cluster-id":
                    clusterId = CliArgs.Id(args, ref i);
                    break;
                case "--service-id":
                    serviceId = CliArgs.Id(args, ref i);
                    break;
                case "--savepoint" when command == "stop":
                    break; // stop always takes a savepoint, as Flink's; the flag says so explicitly
                default:
                    throw new UsageException($"unexpected argument '{args[i]}' for '{command}'");
            }
        }

        return new JobCommandOptions
        {
            JobId = args[0],
            Cluster = cluster ?? throw new UsageException(
                $"'{command}' needs --cluster REDIS_HOST:PORT; a job on the embedded silo runs inside its 'flow run' process " +
                "(use 'flow run ... --savepoint-on-interrupt' and press Ctrl+C to stop it with a savepoint)"),
            ClusterId = clusterId ?? RunOptions.DefaultId,
            ServiceId = serviceId ?? RunOptions.DefaultId,
        };
    }
}
