using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The mailbox runs a subtask's actions one at a time, in the order they were submitted (Flink's MailboxProcessor runs
/// one mail at a time, first in first out); an action's failure is its caller's, and a caller that gives up waiting
/// never runs its action.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MailboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_WhileAnActionRuns_StartsTheNextOnlyAfterItEnds()
    {
        using var mailbox = new Mailbox();
        var log = new List<string>();
        var firstStarted = Signal();
        var releaseFirst = Signal();

        var first = mailbox.RunAsync(async () =>
        {
            log.Add("first started");
            firstStarted.SetResult();
            await releaseFirst.Task;
            log.Add("first ended");
        });
        await firstStarted.Task.WaitAsync(Timeout);
        var second = mailbox.RunAsync(() =>
        {
            lock (log)
            {
                log.Add("second ran");
            }

            return Task.CompletedTask;
        });

        Assert.False(second.IsCompleted, "the second action must wait for the first to end");
        Assert.False(mailbox.IsIdle);
        releaseFirst.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Timeout);
        Assert.Equal(["first started", "first ended", "second ran"], log);
        Assert.True(mailbox.IsIdle);
    }

    [Fact]
    public async Task RunAsync_WithSeveralActionsWaiting_RunsThemInTheOrderTheyWereSubmitted()
    {
        using var mailbox = new Mailbox();
        var order = new List<int>();
        var release = Signal();
        var blocker = mailbox.RunAsync(() => release.Task);

        var waiting = Enumerable.Range(1, 5).Select(i => mailbox.RunAsync(() =>
        {
            lock (order)
            {
                order.Add(i);
            }

            return Task.CompletedTask;
        })).ToList();
        release.SetResult();
        await Task.WhenAll(waiting.Append(blocker)).WaitAsync(Timeout);

        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public async Task RunAsync_WhenAnActionThrows_ItsCallerGetsTheExceptionAndTheNextActionRuns()
    {
        using var mailbox = new Mailbox();
        var release = Signal();
        var failing = mailbox.RunAsync(async () =>
        {
            await release.Task;
            throw new InvalidOperationException("chain failed");
        });
        var next = mailbox.RunAsync(() => Task.FromResult(42));

        release.SetResult();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing).WaitAsync(Timeout);
        Assert.Equal("chain failed", error.Message);
        Assert.Equal(42, await next.WaitAsync(Timeout));
        Assert.True(mailbox.IsIdle);
    }

    [Fact]
    public async Task RunAsync_WhenTheTokenIsCancelledWhileWaiting_ThrowsAndNeverRunsTheAction()
    {
        using var mailbox = new Mailbox();
        using var cancellation = new CancellationTokenSource();
        var release = Signal();
        var blocker = mailbox.RunAsync(() => release.Task);
        var ran = false;

        var waiting = mailbox.RunAsync(
            () =>
            {
                ran = true;
                return Task.CompletedTask;
            },
            cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting).WaitAsync(Timeout);
        release.SetResult();
        await blocker.WaitAsync(Timeout);
        await mailbox.RunAsync(() => Task.CompletedTask).WaitAsync(Timeout);
        Assert.False(ran, "an action whose caller gave up waiting must not run");
    }

    [Fact]
    public async Task RunAsync_WhenTheTokenIsCancelledOnceTheActionRuns_LetsTheActionFinish()
    {
        using var mailbox = new Mailbox();
        using var cancellation = new CancellationTokenSource();
        var started = Signal();
        var release = Signal();

        var running = mailbox.RunAsync(
            async () =>
            {
                started.SetResult();
                await release.Task;
                return "finished";
            },
            cancellation.Token);
        await started.Task.WaitAsync(Timeout);
        await cancellation.CancelAsync();
        release.SetResult();

        Assert.Equal("finished", await running.WaitAsync(Timeout));
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
