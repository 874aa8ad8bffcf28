using Microsoft.Extensions.Logging.Abstractions;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The receiving side's protocol: delivery only queues, processing sees every batch once and in sequence, a gap is
/// fetched from the sender (on a later batch or on the sender's probe), and only a gap the sender cannot fill fails.
/// Everything runs on one exclusive scheduler, as in a grain activation.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ChannelReceiverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly (int Vertex, int Subtask) A = (0, 0);
    private readonly TaskScheduler _scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly List<long> _processed = [];
    private readonly List<(long From, long To)> _fetches = [];
    private readonly TaskCompletionSource<Exception> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _processedEnough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;

    [Fact]
    public Task Deliver_WhenBatchesArriveWithADuplicateAndAGap_ProcessesEachOnceInSequence() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 4, fetch: (from, to) => Replay(from, to));
        Expect(3);

        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(2));

        await _processedEnough.Task.WaitAsync(Timeout);
        Assert.Equal([0L, 1L, 2L], _processed);
        Assert.Equal([(1L, 2L)], _fetches);
    });

    [Fact]
    public Task Deliver_WhileABatchIsBeingProcessed_QueuesWithoutWaiting() => OnGrainScheduler(async () =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = Start(window: 4, fetch: (from, to) => Replay(from, to), process: async batch =>
        {
            started.TrySetResult();
            await gate.Task;
        });
        Expect(3);
        receiver.Deliver(Batch(0));
        await started.Task.WaitAsync(Timeout);

        receiver.Deliver(Batch(1));
        receiver.Deliver(Batch(2));

        Assert.Equal([0L], _processed);
        gate.SetResult();
        await _processedEnough.Task.WaitAsync(Timeout);
        Assert.Equal([0L, 1L, 2L], _processed);
    });

    [Fact]
    public Task OnProbe_WhenTheLastBatchesSentNeverArrived_FetchesThemAndReportsWhatWasProcessed() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 4, fetch: (from, to) => Replay(from, to));
        Expect(1);
        receiver.Deliver(Batch(0));
        await _processedEnough.Task.WaitAsync(Timeout);
        Expect(3);

        var processed = receiver.OnProbe(A, sentBefore: 3);

        Assert.Equal(1, processed);
        await _processedEnough.Task.WaitAsync(Timeout);
        Assert.Equal([0L, 1L, 2L], _processed);
        Assert.Equal([(1L, 3L)], _fetches);
    });

    [Fact]
    public Task OnProbe_WhenEverythingSentHasArrived_FetchesNothing() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 4, fetch: (from, to) => Replay(from, to));
        Expect(2);
        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(1));
        await _processedEnough.Task.WaitAsync(Timeout);

        Assert.Equal(2, receiver.OnProbe(A, sentBefore: 2));
        Assert.Empty(_fetches);
    });

    [Fact]
    public Task Repair_WhenTheSenderNoLongerHoldsTheBatches_FailsWithTheLossAlarm() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 4, fetch: (_, _) => Task.FromResult(ChannelReplay.Lost));
        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(3));

        var failure = await _failure.Task.WaitAsync(Timeout);

        var lost = Assert.IsType<ChannelBatchesLostException>(failure);
        Assert.Equal("Channel from vertex 0 subtask 0 delivered batch 3 where 1 was expected: records were lost or reordered.", lost.Message);
    });

    [Fact]
    public Task Repair_WhenTheSendersTaskIsGone_FailsNamingTheLostSender() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 8, fetch: (_, _) => Task.FromResult(ChannelReplay.NotDeployed));
        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(5));

        var failure = await _failure.Task.WaitAsync(Timeout);

        var lost = Assert.IsType<ChannelBatchesLostException>(failure);
        Assert.Equal(
            "Channel from vertex 0 subtask 0 lost batches 1 to 4 in flight: their sender's task is gone (its silo died or was declared dead).",
            lost.Message);
    });

    [Fact]
    public Task Repair_WhenTheFetchCallFails_TriesAgainWhenTheSenderProbes() => OnGrainScheduler(async () =>
    {
        var calls = 0;
        var receiver = Start(window: 4, fetch: (from, to) => ++calls == 1 ? Task.FromException<ChannelReplay>(new TimeoutException("the sender is busy")) : Replay(from, to));
        Expect(3);
        receiver.Deliver(Batch(0));
        receiver.Deliver(Batch(2));
        Assert.Equal(1, calls);

        receiver.OnProbe(A, sentBefore: 3);

        await _processedEnough.Task.WaitAsync(Timeout);
        Assert.Equal([0L, 1L, 2L], _processed);
        Assert.Equal([(1L, 2L), (1L, 2L)], _fetches);
        Assert.False(_failure.Task.IsCompleted);
    });

    [Fact]
    public Task Deliver_WhenBeyondTheChannelsCredits_FailsTheSubtask() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 2, fetch: (from, to) => Replay(from, to));

        receiver.Deliver(Batch(2));

        Assert.IsType<InvalidOperationException>(await _failure.Task.WaitAsync(Timeout));
        Assert.Empty(_fetches);
    });

    [Fact]
    public Task Stop_EndsTheLoopAndDropsWhatArrivesLater() => OnGrainScheduler(async () =>
    {
        var receiver = Start(window: 4, fetch: (from, to) => Replay(from, to));

        receiver.Stop();
        receiver.Deliver(Batch(0));

        await receiver.Completion.WaitAsync(Timeout);
        Assert.Empty(_processed);
        Assert.Equal(-1, receiver.OnProbe(A, sentBefore: 1));
    });

    private static ChannelBatch Batch(long sequence) =>
        new() { SenderVertex = A.Vertex, SenderSubtask = A.Subtask, Sequence = sequence, Records = new[] { sequence } };

    private static Task<ChannelReplay> Replay(long from, long to)
    {
        var batches = new List<ChannelBatch>();
        for (var sequence = from; sequence < to; sequence++)
        {
            batches.Add(Batch(sequence));
        }

        return Task.FromResult(new ChannelReplay(true, [.. batches]));
    }

    private ChannelReceiver Start(int window, Func<long, long, Task<ChannelReplay>> fetch, Func<ChannelBatch, Task>? process = null)
    {
        ChannelReceiver? receiver = null;
        receiver = new ChannelReceiver(
            window,
            async batch =>
            {
                _processed.Add(batch.Sequence);
                if (process is not null)
                {
                    await process(batch);
                }

                receiver!.OnProcessed(batch);
                if (_processed.Count >= _expected)
                {
                    _processedEnough.TrySetResult();
                }
            },
            (sender, from, to) =>
            {
                Assert.Equal(A, sender);
                _fetches.Add((from, to));
                return fetch(from, to);
            },
            e =>
            {
                _failure.TrySetResult(e);
                return Task.CompletedTask;
            },
            NullLogger.Instance,
            "job/1/0/0",
            default);
        receiver.Start();
        return receiver;
    }

    /// <summary>Completes <see cref="_processedEnough"/> once <paramref name="count"/> batches in all were processed.</summary>
    private void Expect(int count)
    {
        _expected = count;
        _processedEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Task OnGrainScheduler(Func<Task> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
}
