namespace OrleansFlow.Cli;

/// <summary>
/// The options of the commands that act on one running job: <c>flow savepoint JOB</c> and
/// <c>flow stop JOB [--savepoint]</c>, with the cluster flags of <see cref="ClusterTarget"/>. A job on the embedded
/// silo lives inside its <c>flow run</c> process, which takes a savepoint on Ctrl+C with <c>--savepoint-on-interrupt</c>.
/// </summary>
internal sealed class JobCommandOptions
{
    public required string JobId { get; init; }

    public required ClusterTarget Target { get; init; }

    /// <summary>Progress lines on stderr while the savepoint is taken (<c>--progress</c>; also on when stderr is a terminal).</summary>
    public bool Progress { get; init; }

    /// <summary>Reads the arguments after <paramref name="command"/> (<c>savepoint</c> or <c>stop</c>).</summary>
    public static JobCommandOptions Parse(string command, IReadOnlyList<string> args)
    {
        // stop always takes a savepoint, as Flink's; the --savepoint flag says so explicitly
        var (target, operands, switches) = ClusterTarget.Parse(args, command == "stop" ? ["--savepoint", "--progress"] : ["--progress"]);
        return operands.Count switch
        {
            1 => new JobCommandOptions { JobId = operands[0], Target = target, Progress = switches.Contains("--progress") || !Console.IsErrorRedirected },
            0 => throw new UsageException($"'{command}' needs a job id ('flow list' shows them; flow run --cluster prints it)"),
            _ => throw new UsageException($"unexpected argument '{operands[1]}' for '{command}'"),
        };
    }
}
