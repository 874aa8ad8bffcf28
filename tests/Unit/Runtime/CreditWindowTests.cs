using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class CreditWindowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void AcquireAsync_WhenCreditsRemain_CompletesAtOnce()
    {
        var window = new CreditWindow(2);

        var first = window.AcquireAsync(CancellationToken.None);
        var second = window.AcquireAsync(CancellationToken.None);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(0, window.Available);
    }

    [Fact]
    public async Task AcquireAsync_WhenBeyondTheInitialCredits_WaitsUntilGrant()
    {
        RunContinuationsInline();
        var window = new CreditWindow(1);
        await window.AcquireAsync(CancellationToken.None);

        var waiting = window.AcquireAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        window.Grant(1);

        await waiting.WaitAsync(Timeout);
        Assert.Equal(0, window.Available);
    }

    [Fact]
    public async Task Grant_WhenTwoSendersWaitForOneCredit_LetsExactlyOneThrough()
    {
        RunContinuationsInline();
        var window = new CreditWindow(0);
        var a = window.AcquireAsync(CancellationToken.None);
        var b = window.AcquireAsync(CancellationToken.None);

        window.Grant(1);
        var first = await Task.WhenAny(a, b).WaitAsync(Timeout);
        var other = first == a ? b : a;

        Assert.False(other.IsCompleted);
        window.Grant(1);
        await other.WaitAsync(Timeout);
        Assert.Equal(0, window.Available);
    }

    [Fact]
    public void Grant_WhenNobodyWaits_AddsCredits()
    {
        var window = new CreditWindow(1);

        window.Grant(3);

        Assert.Equal(4, window.Available);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(window.AcquireAsync(CancellationToken.None).IsCompletedSuccessfully);
        }

        Assert.False(window.AcquireAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Cancel_WhenASenderIsWaiting_MakesItsAcquireFail()
    {
        RunContinuationsInline();
        var window = new CreditWindow(0);
        var waiting = window.AcquireAsync(CancellationToken.None);

        window.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task AcquireAsync_WhenCancelledAndNoCreditLeft_FailsAtOnce()
    {
        var window = new CreditWindow(0);
        window.Cancel();

        var acquire = window.AcquireAsync(CancellationToken.None);

        Assert.True(acquire.IsFaulted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => acquire);
    }

    [Fact]
    public async Task AcquireAsync_WhenTokenIsCancelledWhileWaiting_ThrowsAndTakesNoCredit()
    {
        RunContinuationsInline();
        var window = new CreditWindow(0);
        using var cancellation = new CancellationTokenSource();
        var waiting = window.AcquireAsync(cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
        window.Grant(1);
        Assert.Equal(1, window.Available);
        await window.AcquireAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(0, window.Available);
    }

    /// <summary>
    /// A grain activation runs one turn at a time and resumes a waiting sender inside <c>Grant</c>; without xunit's
    /// synchronization context the test does the same, so no two continuations run at once.
    /// </summary>
    private static void RunContinuationsInline() => SynchronizationContext.SetSynchronizationContext(null);
}
