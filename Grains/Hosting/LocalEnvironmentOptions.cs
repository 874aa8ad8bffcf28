using Microsoft.Extensions.Logging;

namespace OrleansFlow.Hosting;

/// <summary>Settings of the embedded, in-process silo.</summary>
public sealed class LocalEnvironmentOptions
{
    /// <summary>Lowest level of runtime log messages written to standard error (default Warning).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Default parallelism of the environment (default: the number of processors).</summary>
    public int? Parallelism { get; set; }
}
