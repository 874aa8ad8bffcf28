using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// When <c>ORLEANSFLOW_TEST_LOG</c> names a file, silos of the test clusters (all built by <see cref="FlowTestCluster"/>)
/// append their log lines (information and above) to it, for diagnosing a failing run. Off by default.
/// </summary>
public sealed class TestLogFile : ILoggerProvider
{
    public const string Variable = "ORLEANSFLOW_TEST_LOG";
    private static readonly Lock Gate = new();
    private readonly string _path;

    private TestLogFile(string path) => _path = path;

    /// <summary>Adds the file logger to a silo host when the variable is set.</summary>
    public static void AddTo(ILoggingBuilder logging)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path)
        {
            logging.AddProvider(new TestLogFile(path));
            logging.AddFilter<TestLogFile>(category: null, LogLevel.Information);
        }
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(_path, categoryName);

    public void Dispose()
    {
    }

    private sealed class FileLogger(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}\n");
            lock (Gate)
            {
                File.AppendAllText(path, line);
            }
        }
    }
}
