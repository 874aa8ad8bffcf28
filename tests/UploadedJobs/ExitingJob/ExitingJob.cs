using OrleansFlow;

namespace ExitingJob;

/// <summary>
/// Reads lines and, at the first one, ends the process it runs in with exit code 42: uploaded code runs inside a
/// silo, so this job kills the silo that runs its map (issue 13, a poisonous job). Arguments: <c>INPUT OUTPUT</c>.
/// </summary>
public sealed class ExitingJob : IStreamJob
{
    /// <summary>The exit code the job ends its silo with.</summary>
    public const int ExitCode = 42;

    /// <inheritdoc />
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(args);
        env.ReadLines(args[0], line => line).SetParallelism(1)
            .Map(Exit).Name("Exit the process").SetParallelism(1)
            .WriteAsText(args[1]).SetParallelism(1);
    }

    private static string Exit(string line)
    {
        Environment.Exit(ExitCode);
        return line;
    }
}
