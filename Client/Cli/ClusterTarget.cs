using System.Globalization;

namespace OrleansFlow.Cli;

/// <summary>
/// Which running cluster a client command (<c>list</c>, <c>status</c>, <c>cancel</c>, <c>state</c>, <c>savepoint</c>,
/// <c>stop</c>) talks to:
/// <c>--cluster HOST:PORT</c> names the Redis holding a cluster's membership; without it, the single development
/// silo that <c>flow silo</c> starts on this machine (gateway port 30000, or <c>--gateway-port N</c>).
/// <c>--token T</c> (or the environment variable <see cref="RunOptions.TokenVariable"/>) is the cluster's submission
/// token, which <c>cancel</c>, <c>savepoint</c> and <c>stop</c> need on a cluster that requires one.
/// <c>--connect-timeout D</c> bounds how long connecting may take (default 10 s).
/// </summary>
internal sealed record ClusterTarget(string? Redis, int GatewayPort, string ClusterId, string ServiceId)
{
    /// <summary>The cluster's submission token (<c>--token</c>, or <see cref="RunOptions.TokenVariable"/>); null for none.</summary>
    public string? Token { get; init; }

    /// <summary>How long connecting may take before the command says no silo answered (<c>--connect-timeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = ClusterConnection.DefaultConnectTimeout;

    /// <summary>The gateway port of a <c>flow silo</c> started without options.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>
    /// Reads the cluster flags out of <paramref name="args"/>; the rest, in order, are the command's operands, but for
    /// the value-less flags in <paramref name="switches"/>, which are returned apart. Any other flag is a usage error.
    /// </summary>
    public static (ClusterTarget Target, IReadOnlyList<string> Operands, IReadOnlySet<string> Switches) Parse(
        IReadOnlyList<string> args, IReadOnlyCollection<string>? switches = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? redis = null;
        int? gatewayPort = null;
        string? clusterId = null;
        string? serviceId = null;
        string? token = null;
        var connectTimeout = ClusterConnection.DefaultConnectTimeout;
        var operands = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--cluster":
                    redis = CliArgs.Value(args, ref i);
                    break;
                case "--gateway-port":
                    var text = CliArgs.Value(args, ref i);
                    gatewayPort = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                        ? port
                        : throw new UsageException($"--gateway-port expects a port number (1-65535), got '{text}'");
                    break;
                case "--cluster-id":
                    clusterId = CliArgs.Id(args, ref i);
                    break;
                case "--service-id":
                    serviceId = CliArgs.Id(args, ref i);
                    break;
                case "--token":
                    token = CliArgs.Id(args, ref i);
                    break;
                case "--connect-timeout":
                    connectTimeout = ConnectTimeoutOf(CliArgs.Value(args, ref i));
                    break;
                case var flag when switches?.Contains(flag) == true:
                    seen.Add(flag);
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option '{flag}'");
                default:
                    operands.Add(args[i]);
                    break;
            }
        }

        if (redis is not null && gatewayPort is not null)
        {
            throw new UsageException("--gateway-port is for a local silo; with --cluster the silos are found through Redis");
        }

        token ??= Environment.GetEnvironmentVariable(RunOptions.TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var target = new ClusterTarget(redis, gatewayPort ?? DefaultGatewayPort, clusterId ?? RunOptions.DefaultId, serviceId ?? RunOptions.DefaultId) { Token = token, ConnectTimeout = connectTimeout };
        return (target, operands, seen);
    }

    private static TimeSpan ConnectTimeoutOf(string text)
    {
        TimeSpan timeout;
        try
        {
            timeout = Examples.Durations.Parse(text, "--connect-timeout");
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        return timeout > TimeSpan.Zero ? timeout : throw new UsageException($"--connect-timeout must be positive, got '{text}'");
    }

    /// <summary>An environment on <paramref name="connection"/> that sends <see cref="Token"/> with its commands.</summary>
    public StreamExecutionEnvironment CreateEnvironment(ClusterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var env = StreamExecutionEnvironment.ForCluster(connection.Client);
        return Token is { } token ? env.WithSubmissionToken(token) : env;
    }

    /// <summary>Connects, naming the target in the error when nothing answers.</summary>
    public Task<ClusterConnection> ConnectAsync(CancellationToken cancellationToken) =>
        Redis is { } redis
            ? ClusterConnection.ConnectAsync(redis, ClusterId, ServiceId, cancellationToken, ConnectTimeout)
            : ClusterConnection.ConnectLocalAsync(GatewayPort, ClusterId, ServiceId, cancellationToken, ConnectTimeout);
}
