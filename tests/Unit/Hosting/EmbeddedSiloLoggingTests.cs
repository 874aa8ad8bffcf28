using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>
/// The embedded silo's console: framework categories (Orleans, Microsoft, System, Polly) follow
/// <see cref="LocalEnvironmentOptions.FrameworkLogLevel"/>, OrleansFlow's own follow <see cref="LocalEnvironmentOptions.LogLevel"/>
/// (issue 13, item 6: <c>flow run</c> shows Orleans' <c>fail:</c> lines only with <c>--verbose</c>).
/// </summary>
[Trait("Category", "Unit")]
public sealed class EmbeddedSiloLoggingTests
{
    [Fact]
    public void ApplyLevels_WhenFrameworkLogsAreOff_KeepsOrleansErrorsOutAndOrleansFlowErrorsIn()
    {
        var written = Log(new LocalEnvironmentOptions { LogLevel = LogLevel.Error, FrameworkLogLevel = LogLevel.None });

        Assert.Equal(["OrleansFlow.Jobs.JobManagerGrain: Error"], written);
    }

    [Fact]
    public void ApplyLevels_WhenVerbose_WritesFrameworkMessagesFromInformationButPollyFromWarning()
    {
        var written = Log(new LocalEnvironmentOptions { LogLevel = LogLevel.Information, FrameworkLogLevel = LogLevel.Information });

        Assert.Equal(
        [
            "Orleans.Runtime.Catalog: Information", "Orleans.Runtime.Catalog: Error",
            "Microsoft.Hosting.Lifetime: Information", "Microsoft.Hosting.Lifetime: Error",
            "System.Net.Http.HttpClient: Information", "System.Net.Http.HttpClient: Error",
            "Polly: Error",
            "OrleansFlow.Jobs.JobManagerGrain: Information", "OrleansFlow.Jobs.JobManagerGrain: Error",
        ], written);
    }

    private static List<string> Log(LocalEnvironmentOptions options)
    {
        var recorder = new RecordingProvider();
        using (var services = new ServiceCollection().AddLogging(l => l.ApplyLevels(options).AddProvider(recorder)).BuildServiceProvider())
        {
            var factory = services.GetRequiredService<ILoggerFactory>();
            foreach (var category in new[] { "Orleans.Runtime.Catalog", "Microsoft.Hosting.Lifetime", "System.Net.Http.HttpClient", "Polly", "OrleansFlow.Jobs.JobManagerGrain" })
            {
                var logger = factory.CreateLogger(category);
#pragma warning disable CA1848, CA2254 // a test writes plain messages at chosen levels
                logger.Log(LogLevel.Information, "message");
                logger.Log(LogLevel.Error, "message");
#pragma warning restore CA1848, CA2254
            }
        }

        return recorder.Written;
    }

    private sealed class RecordingProvider : ILoggerProvider
    {
        public List<string> Written { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, Written);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, List<string> written) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                written.Add($"{category}: {logLevel}");
        }
    }
}
