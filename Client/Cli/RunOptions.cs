using System.Globalization;
using OrleansFlow.Examples;

namespace OrleansFlow.Cli;

/// <summary>The engine options of <c>flow run</c>; everything else goes to the job.</summary>
internal sealed class RunOptions
{
    /// <summary>The cluster and service id silos use unless told otherwise.</summary>
    public const string DefaultId = "orleansflow";

    /// <summary>The example job's name (<c>flow run</c>), or the job assembly's path (<c>flow submit</c>).</summary>
    public required string JobName { get; init; }

    /// <summary>The job type to run from the job assembly (<c>flow submit --job</c>), or null for its only one.</summary>
    public string? JobType { get; init; }

    public int? Parallelism { get; init; }

    /// <summary>How long a key may be idle before its grain is passivated (<c>--passivate-idle-keys D|never</c>), or null for the default.</summary>
    public TimeSpan? IdleKeyPassivation { get; init; }

    public string? Cluster { get; init; }

    /// <summary>The cluster id of the silos to submit to (with <see cref="Cluster"/>), as their --cluster-id.</summary>
    public string ClusterId { get; init; } = DefaultId;

    /// <summary>The service id of the silos to submit to (with <see cref="Cluster"/>), as their --service-id.</summary>
    public string ServiceId { get; init; } = DefaultId;

    public bool Verbose { get; init; }

    /// <summary>Progress lines on stderr while the job runs (<c>--progress</c>; also on when stderr is a terminal).</summary>
    public bool Progress { get; init; }

    /// <summary>
    /// The cluster's shared submission token: <c>--token</c>, or the environment variable <see cref="TokenVariable"/>
    /// (which keeps it out of the process list).
    /// </summary>
    public string? Token { get; init; }

    /// <summary>The environment variable <c>flow run</c> reads the submission token from when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "ORLEANSFLOW_TOKEN";

    /// <summary>Checkpointing, restart strategy and the savepoint to start from.</summary>
    public FaultToleranceOptions FaultTolerance { get; init; } = new();

    public required IReadOnlyList<string> JobArguments { get; init; }

    /// <summary>
    /// Reads <c>flow run JOB ...</c>: flags the engine does not know (<c>--input FILE</c>, ...) go to the job as
    /// name/value pairs.
    /// </summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException($"'run' needs a job name ({string.Join(", ", ExampleJobs.Names)})");
        }

        return Parse(args, submit: false);
    }

    /// <summary>
    /// Reads <c>flow submit PATH/TO/Job.dll [--job TYPE] [engine options] [-- job arguments]</c>: everything after
    /// <c>--</c> goes to the job verbatim; an unknown flag before it is a usage error.
    /// </summary>
    public static RunOptions ParseSubmit(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException("'submit' needs the path of a job assembly (the .dll your job project builds)");
        }

        return Parse(args, submit: true);
    }

    private static RunOptions Parse(IReadOnlyList<string> args, bool submit)
    {
        int? parallelism = null;
        TimeSpan? idleKeys = null;
        string? cluster = null;
        string? clusterId = null;
        string? serviceId = null;
        var verbose = false;
        var progress = false;
        string? token = null;
        string? jobType = null;
        var faultTolerance = new FaultToleranceOptions();
        var jobArgs = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--" when submit:
                    jobArgs.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                case "--job" when submit:
                    jobType = Id(args, ref i);
                    break;
                case "--parallelism":
                    var text = Value(args, ref i);
                    parallelism = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
                        ? p
                        : throw new UsageException($"--parallelism expects a positive integer, got '{text}'");
                    break;
                case "--passivate-idle-keys":
                    var idle = Value(args, ref i);
                    idleKeys = idle == "never" ? Timeout.InfiniteTimeSpan : Durations.Parse(idle, "--passivate-idle-keys");
                    break;
                case "--cluster":
                    cluster = Value(args, ref i);
                    break;
                case "--cluster-id":
                    clusterId = Id(args, ref i);
                    break;
                case "--service-id":
                    serviceId = Id(args, ref i);
                    break;
                case "--token":
                    token = Id(args, ref i);
                    break;
                case "--progress":
                    progress = true;
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case var flag when FaultToleranceOptions.IsSwitch(flag):
                    faultTolerance.ReadSwitch(flag);
                    break;
                case var flag when FaultToleranceOptions.Handles(flag):
                    faultTolerance.Read(flag, Value(args, ref i));
                    break;
                default:
                    if (!args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"unexpected argument '{args[i]}'" + (submit ? "; job arguments go after '--'" : ""));
                    }

                    if (submit)
                    {
                        throw new UsageException($"unknown option '{args[i]}'; job arguments go after '--'");
                    }

                    jobArgs.Add(args[i]);
                    // A flag given without a value (e.g. --purging) means "true".
                    jobArgs.Add(i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true");
                    break;
            }
        }

        faultTolerance.Validate();
        if (cluster is null && (clusterId ?? serviceId) is not null)
        {
            throw new UsageException($"{(clusterId is not null ? "--cluster-id" : "--service-id")} needs --cluster");
        }

        return new RunOptions
        {
            JobName = args[0],
            JobType = jobType,
            Parallelism = parallelism,
            IdleKeyPassivation = idleKeys,
            Cluster = cluster,
            ClusterId = clusterId ?? DefaultId,
            ServiceId = serviceId ?? DefaultId,
            Verbose = verbose,
            Progress = progress || !Console.IsErrorRedirected,
            Token = token ?? (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null),
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

        if (Token is { } token)
        {
            env.WithSubmissionToken(token);
        }

        if (IdleKeyPassivation is { } idle)
        {
            env.Config.IdleKeyPassivation = idle;
        }

        FaultTolerance.ApplyTo(env);
    }

    private static string Id(IReadOnlyList<string> args, ref int i) => CliArgs.Id(args, ref i);

    private static string Value(IReadOnlyList<string> args, ref int i) => CliArgs.Value(args, ref i);
}
