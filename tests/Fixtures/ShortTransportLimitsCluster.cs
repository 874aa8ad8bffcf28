using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansFlow.Hosting;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A two-silo cluster whose stream transport gives up early, so a test can stall a consumer for several times every
/// limit behind which the pooled memory-stream cache and the pulling agents used to lose or repeat channel batches,
/// in seconds instead of minutes: a message leaves the cache once it is <see cref="CacheMaxAge"/> older than the
/// newest (after at least <see cref="CacheMinTime"/>), whether or not it was delivered; a delivery call times out
/// after <see cref="ResponseTimeout"/> (and may still run later: a duplicate); the agent skips a batch it could not
/// deliver within <see cref="MaxEventDeliveryTime"/>. Production keeps Orleans' 30 s and 1 min and OrleansFlow's
/// cache ages, which only stretch the same events over a longer stall. It also records when a pulling agent gave up
/// delivering (<see cref="GiveUps"/>).
/// </summary>
public sealed class ShortTransportLimitsCluster : IAsyncLifetime
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxEventDeliveryTime = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan CacheMinTime = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan CacheMaxAge = TimeSpan.FromSeconds(1);

    /// <summary>How long a sender waits without progress before it probes its receiver (production: 2 s).</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), "orleansflow-tests-" + Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;

    /// <summary>The longest of the limits above.</summary>
    public static TimeSpan LongestLimit => new[] { ResponseTimeout, MaxEventDeliveryTime, CacheMaxAge }.Max();

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Deliveries the pulling agents gave up on (Orleans logs each as an error).</summary>
    public DeliveryGiveUps GiveUps { get; } = new();

    public StreamExecutionEnvironment Environment(int parallelism) => Cluster.Environment(parallelism);

    public async Task InitializeAsync() =>
        _cluster = await FlowTestCluster.DeployAsync(2, silo =>
        {
            silo.UseLocalPersistence(_checkpoints)
                .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            // Named options of the channel stream provider: these run after AddOrleansFlow's own configuration.
            silo.Services.Configure<StreamPullingAgentOptions>(FlowNames.ChannelStreamProvider, o => o.MaxEventDeliveryTime = MaxEventDeliveryTime);
            silo.Services.Configure<StreamCacheEvictionOptions>(FlowNames.ChannelStreamProvider, o =>
            {
                o.DataMinTimeInCache = CacheMinTime;
                o.DataMaxAgeInCache = CacheMaxAge;
            });
            silo.Services.AddSingleton<ILoggerProvider>(GiveUps);
        }, configureChannels: channels => channels.ProbeInterval = ProbeInterval);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (Directory.Exists(_checkpoints))
        {
            Directory.Delete(_checkpoints, recursive: true);
        }
    }

    /// <summary>
    /// Records Orleans' "Exception while trying to deliver msgs to stream ..." errors (event 103314 of the pulling
    /// agent, category <c>Orleans.Streams.&lt;provider&gt;</c>), logged when it stops retrying a batch: the moment a
    /// channel used to lose one.
    /// </summary>
    public sealed class DeliveryGiveUps : ILoggerProvider
    {
        private const int GaveUpEventId = 103314;
        private readonly ConcurrentQueue<string> _messages = new();
        private event Action? Logged;

        /// <summary>Completes once a give-up on a stream whose id contains <paramref name="jobId"/> was logged.</summary>
        public async Task WaitForAsync(string jobId, CancellationToken cancellationToken)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                if (Count(jobId) > 0)
                {
                    seen.TrySetResult();
                }
            }

            Logged += Check;
            try
            {
                Check();
                await seen.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Logged -= Check;
            }
        }

        /// <summary>How many give-ups on streams of <paramref name="jobId"/> were logged.</summary>
        public int Count(string jobId) => _messages.Count(m => m.Contains(jobId, StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Orleans.Streams", StringComparison.Ordinal) ? new Logger(this) : NullLogger.Instance;

        public void Dispose()
        {
        }

        private void Add(string message)
        {
            _messages.Enqueue(message);
            Logged?.Invoke();
        }

        private sealed class Logger(DeliveryGiveUps owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id == GaveUpEventId)
                {
                    owner.Add(formatter(state, exception));
                }
            }
        }

        private sealed class NullLogger : ILogger
        {
            public static readonly NullLogger Instance = new();

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => false;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}
