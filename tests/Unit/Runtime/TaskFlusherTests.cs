using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// Output flushes of a subtask never overlap (each channel's sends stay in sequence), sinks flush before the channels
/// send, and a background flush's failure is reported, not lost, unless it is the cancellation of a cancelled subtask.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TaskFlusherTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly List<string> _log = [];
    private readonly List<Exception> _failures = [];
    private readonly CancellationTokenSource _cancellation = new();
    private Func<Task> _channels = () => Task.CompletedTask;

    [Fact]
    public Task FlushOutputsAsync_WhileAnotherFlushSends_WaitsForItToEnd() => OnGrainScheduler(async () =>
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channels = async () =>
        {
            _log.Add("channels send");
            await release.Task;
            _log.Add("channels sent");
        };
        using var flusher = Create(new FakeSink("sink", _log));

        var first = flusher.FlushOutputsAsync(CancellationToken.None);
        _channels = () =>
        {
            _log.Add("channels send again");
            return Task.CompletedTask;
        };
        var second = flusher.FlushOutputsAsync(CancellationToken.None);
        Assert.Equal(["sink flush", "channels send"], _log);

        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Timeout);
        Assert.Equal(["sink flush", "channels send", "channels sent", "sink flush", "channels send again"], _log);
    });

    [Fact]
    public Task StartInBackgroundAsync_WhenTheFlushFails_ReportsTheFailureInsteadOfThrowing() => OnGrainScheduler(async () =>
    {
        _channels = () => Task.FromException(new IOException("stream down"));
        using var flusher = Create();

        await flusher.StartInBackgroundAsync(CancellationToken.None);
        await flusher.Background.WaitAsync(Timeout);

        Assert.IsType<IOException>(Assert.Single(_failures));
    });

    [Fact]
    public Task StartInBackgroundAsync_WhenACancelledSubtasksFlushIsCancelled_EndsCancelledAndReportsNothing() => OnGrainScheduler(async () =>
    {
        await _cancellation.CancelAsync();
        _channels = () => Task.FromCanceled(_cancellation.Token);
        using var flusher = Create();

        await flusher.StartInBackgroundAsync(_cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flusher.Background).WaitAsync(Timeout);
        Assert.Empty(_failures);
    });

    [Fact]
    public Task FlushAsync_WaitsForTheBackgroundFlushFirst() => OnGrainScheduler(async () =>
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channels = async () =>
        {
            _log.Add("background send");
            await release.Task;
        };
        using var flusher = Create();
        await flusher.StartInBackgroundAsync(CancellationToken.None);
        _channels = () =>
        {
            _log.Add("flush send");
            return Task.CompletedTask;
        };

        var flush = flusher.FlushAsync(CancellationToken.None);
        Assert.Equal(["background send"], _log);
        release.SetResult();
        await flush.WaitAsync(Timeout);

        Assert.Equal(["background send", "flush send"], _log);
    });

    public void Dispose() => _cancellation.Dispose();

    private TaskFlusher Create(params FakeSink[] sinks) =>
        new(
            keyed: null,
            sinks,
            _ => _channels(),
            e =>
            {
                _failures.Add(e);
                return Task.CompletedTask;
            },
            _cancellation.Token);

    private Task OnGrainScheduler(Func<Task> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
