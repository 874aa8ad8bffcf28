using OrleansFlow.Execution;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// A source's loop, as Flink's SourceStreamTask runs it: reading and checkpointing share the task's mailbox, so a
/// checkpoint's barrier goes out between two batches and records the reader's position there (every record read before
/// it is in the checkpoint, none after); other mail runs between batches; a barrier requested before the input ends
/// still precedes the end; a cancelled source stops between batches and does not finish.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SourceLoopTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly List<string> _events = [];
    private readonly Mailbox _mailbox = new();
    private readonly CancellationTokenSource _cancellation = new();

    [Fact]
    public Task RunAsync_ReadsEveryBatchThenFinishesOnce() => OnGrainScheduler(async () =>
    {
        var loop = Create();

        await loop.RunAsync(new ScriptedDriver(_events, [3, 3, 2]), limiter: null, _cancellation.Token).WaitAsync(Timeout);

        Assert.Equal(["read 3", "batch 3", "read 3", "batch 3", "read 2", "batch 2", "finish"], _events);
        Assert.Equal(8, loop.Position);
    });

    [Fact]
    public Task RunAsync_WhenABarrierIsRequested_InjectsItBeforeTheNextBatchAtTheReadersPosition() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        var driver = new ScriptedDriver(_events, [3, 3])
        {
            OnRead = read =>
            {
                if (read == 1)
                {
                    loop.RequestBarrier(7);
                }
            },
        };

        await loop.RunAsync(driver, limiter: null, _cancellation.Token).WaitAsync(Timeout);

        Assert.Equal(["read 3", "batch 3", "snapshot 7 at 3", "read 3", "batch 3", "finish"], _events);
        Assert.Equal(0, loop.RequestedBarrier);
    });

    [Fact]
    public Task RunAsync_WhenTwoBarriersAreRequestedBetweenBatches_InjectsOnlyTheNewerWhichSubsumesTheOlder() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        var driver = new ScriptedDriver(_events, [3, 3])
        {
            OnRead = read =>
            {
                if (read == 1)
                {
                    loop.RequestBarrier(8);
                    loop.RequestBarrier(7);
                }
            },
        };

        await loop.RunAsync(driver, limiter: null, _cancellation.Token).WaitAsync(Timeout);

        Assert.Equal(["read 3", "batch 3", "snapshot 8 at 3", "read 3", "batch 3", "finish"], _events);
    });

    [Fact]
    public Task RunAsync_WhenABarrierIsRequestedDuringTheLastBatch_InjectsItBeforeFinishing() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        var driver = new ScriptedDriver(_events, [2]) { OnRead = _ => loop.RequestBarrier(9) };

        await loop.RunAsync(driver, limiter: null, _cancellation.Token).WaitAsync(Timeout);

        Assert.Equal(["read 2", "batch 2", "snapshot 9 at 2", "finish"], _events);
    });

    [Fact]
    public Task RunAsync_WhenOtherMailArrivesDuringABatch_RunsItBeforeTheNextBatch() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        Task? timer = null;
        var driver = new ScriptedDriver(_events, [3, 3])
        {
            OnRead = read =>
            {
                if (read == 1)
                {
                    timer = _mailbox.RunAsync(() =>
                    {
                        _events.Add("timer");
                        return Task.CompletedTask;
                    });
                }
            },
        };

        await loop.RunAsync(driver, limiter: null, _cancellation.Token).WaitAsync(Timeout);
        await timer!.WaitAsync(Timeout);

        Assert.Equal(["read 3", "batch 3", "timer", "read 3", "batch 3", "finish"], _events);
    });

    [Fact]
    public Task RunAsync_WhenCancelledDuringABatch_StopsAfterItWithoutFinishing() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        var driver = new ScriptedDriver(_events, [3, 3]) { OnRead = _ => _cancellation.Cancel() };

        await loop.RunAsync(driver, limiter: null, _cancellation.Token).WaitAsync(Timeout);

        Assert.Equal(["read 3", "batch 3"], _events);
    });

    [Fact]
    public Task RunAsync_WhenCancelledWhileWaitingForItsTurn_ThrowsWithoutReading() => OnGrainScheduler(async () =>
    {
        var loop = Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = _mailbox.RunAsync(() => release.Task);

        var running = loop.RunAsync(new ScriptedDriver(_events, [3]), limiter: null, _cancellation.Token);
        await _cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running).WaitAsync(Timeout);
        release.SetResult();
        await busy.WaitAsync(Timeout);
        Assert.Empty(_events);
    });

    public void Dispose()
    {
        _mailbox.Dispose();
        _cancellation.Dispose();
    }

    private SourceLoop Create() =>
        new(
            _mailbox,
            batchSize: 100,
            (count, _) =>
            {
                _events.Add($"batch {count}");
                return Task.CompletedTask;
            },
            (checkpointId, position, _) =>
            {
                _events.Add($"snapshot {checkpointId} at {position}");
                return Task.CompletedTask;
            },
            () =>
            {
                _events.Add("finish");
                return Task.CompletedTask;
            });

    private Task OnGrainScheduler(Func<Task> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();

    /// <summary>A reader that returns the given batch sizes, then reports the end of its input.</summary>
    private sealed class ScriptedDriver(List<string> events, int[] batches) : ISourceDriver
    {
        private int _read;

        public long Position { get; private set; }

        public Action<int>? OnRead { get; init; }

        public ValueTask<(int Count, bool More)> RunBatchAsync(int maxRecords, CancellationToken cancellationToken)
        {
            var count = batches[_read++];
            Position += count;
            events.Add($"read {count}");
            OnRead?.Invoke(_read);
            return ValueTask.FromResult((count, _read < batches.Length));
        }

        public void Dispose()
        {
        }
    }
}
