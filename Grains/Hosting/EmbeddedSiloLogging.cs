using Microsoft.Extensions.Logging;

namespace OrleansFlow.Hosting;

/// <summary>
/// What the embedded silo writes to the console: OrleansFlow's own messages from <see cref="LocalEnvironmentOptions.LogLevel"/>
/// up, the framework's (Orleans, ASP.NET Core and other Microsoft libraries, Polly, System) only from
/// <see cref="LocalEnvironmentOptions.FrameworkLogLevel"/> up. The CLI keeps the framework off the console unless
/// <c>--verbose</c>: a job's error is its one line, not an Orleans <c>fail:</c> line with a stack trace before it.
/// </summary>
internal static class EmbeddedSiloLogging
{
    /// <summary>Categories that belong to the framework; <c>OrleansFlow</c> is ruled separately (a longer prefix wins).</summary>
    private static readonly string[] FrameworkCategories = ["Orleans", "Microsoft", "System", "Polly"];

    /// <summary>Sets the levels and filters of <paramref name="logging"/> for <paramref name="options"/> (providers are added by the caller).</summary>
    public static ILoggingBuilder ApplyLevels(this ILoggingBuilder logging, LocalEnvironmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(options);
        logging.SetMinimumLevel(Min(options.LogLevel, options.FrameworkLogLevel));
        foreach (var category in FrameworkCategories)
        {
            logging.AddFilter(category, options.FrameworkLogLevel);
        }

        // Orleans' placement pipeline logs every execution through Polly at Information: two lines per new key activation.
        logging.AddFilter("Polly", Max(options.FrameworkLogLevel, LogLevel.Warning));
        logging.AddFilter("OrleansFlow", options.LogLevel);
        return logging;
    }

    private static LogLevel Min(LogLevel a, LogLevel b) => a < b ? a : b;

    private static LogLevel Max(LogLevel a, LogLevel b) => a > b ? a : b;
}
