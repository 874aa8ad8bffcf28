using System.Globalization;

namespace OrleansFlow.Cli;

/// <summary>The engine options of <c>flow run</c>; everything else goes to the job.</summary>
internal sealed class RunOptions
{
    public required string JobName { get; init; }

    public int? Parallelism { get; init; }

    public string? Cluster { get; init; }

    public bool Verbose { get; init; }

    /// <summary>Checkpointing, restart strategy and the savepoint to start from.</summary>
    public FaultToleranceOptions FaultTolerance { get; init; } = new();

    public required IReadOnlyList<string> JobArguments { get; init; }

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException($"'run' needs a job name ({string.Join(", ", ExampleJobs.Names)})");
        }

        int? parallelism = null;
        string? cluster = null;
        var verbose = false;
        var faultTolerance = new FaultToleranceOptions();
        var jobArgs = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--parallelism":
                    var text = Value(args, ref i);
                    parallelism = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
                        ? p
                        : throw new UsageException($"--parallelism expects a positive integer, got '{text}'");
                    break;
                case "--cluster":
                    cluster = Value(args, ref i);
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case var flag when FaultToleranceOptions.Handles(flag):
                    faultTolerance.Read(flag, Value(args, ref i));
                    break;
                default:
                    if (!args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"unexpected argument '{args[i]}'");
                    }

                    jobArgs.Add(args[i]);
                    // A flag given without a value (e.g. --purging) means "true".
                    jobArgs.Add(i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true");
                    break;
            }
        }

        faultTolerance.Validate();
        return new RunOptions
        {
            JobName = args[0],
            Parallelism = parallelism,
            Cluster = cluster,
            Verbose = verbose,
            FaultTolerance = faultTolerance,
            JobArguments = jobArgs,
        };
    }

    /// <summary>Sets the engine options (parallelism, checkpointing, restarts, restore) on <paramref name="env"/>.</summary>
    public void ApplyTo(StreamExecutionEnvironment env)
    {
        if (Parallelism is { } parallelism)
        {
            env.SetParallelism(parallelism);
        }

        FaultTolerance.ApplyTo(env);
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        i + 1 < args.Count ? args[++i] : throw new UsageException($"option '{args[i]}' needs a value");
}
