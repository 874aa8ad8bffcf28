using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// Per-key calls Orleans rejected (they never ran) are sent again; a call that failed in any other way fails the wave
/// and is not sent again, so nothing that may have run runs twice.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RejectedCallResenderTests
{
    [Fact]
    public async Task AwaitAll_WhenACallIsRejectedBecauseItsSiloIsShuttingDown_SendsItAgainAndReturnsEveryAnswerInOrder()
    {
        var calls = new[] { Task.FromResult(1), Task.FromException<int>(new SiloUnavailableException("Silo 'S1' is shutting down.")), Task.FromResult(3) };
        var resent = new List<int>();

        var answers = await RejectedCallResender.AwaitAllAsync(calls, i => Task.FromResult(20 + i), (rejected, _) => resent.AddRange(rejected));

        Assert.Equal([1, 21, 3], answers);
        Assert.Equal([1], resent);
    }

    [Fact]
    public async Task AwaitAll_WhenAResentCallIsRejectedAgain_SendsItAgainUpToTheLimitThenThrowsTheRejection()
    {
        var sends = 0;
        var calls = new[] { Task.FromException<int>(new SiloUnavailableException("no activation")) };

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => RejectedCallResender.AwaitAllAsync(calls, _ =>
        {
            sends++;
            return Task.FromException<int>(new SiloUnavailableException("no activation"));
        }, maxResends: 2));

        Assert.Equal("no activation", error.Message);
        Assert.Equal(2, sends);
    }

    [Fact]
    public async Task AwaitAll_WhenAnotherCallFailedInTheUserFunction_SendsNothingAgainAndThrowsThatFailure()
    {
        var calls = new[] { Task.FromException<int>(new SiloUnavailableException()), Task.FromException<int>(new InvalidOperationException("user code threw")) };
        var sends = 0;

        await Assert.ThrowsAnyAsync<Exception>(() => RejectedCallResender.AwaitAllAsync(calls, _ => { sends++; return Task.FromResult(0); }));

        Assert.Equal(0, sends);
    }

    [Fact]
    public async Task AwaitAll_WhenACallTimedOut_DoesNotSendItAgain()
    {
        // A timed-out call may have run: sending it again could apply its records twice.
        var calls = new[] { Task.FromException<int>(new TimeoutException("Response did not arrive on time")) };
        var sends = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => RejectedCallResender.AwaitAllAsync(calls, _ => { sends++; return Task.FromResult(0); }));

        Assert.Equal(0, sends);
    }

    [Fact]
    public async Task AwaitAll_WhenACallIsStillRunning_WaitsForItBeforeSendingTheRejectedOneAgain()
    {
        var running = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new[] { running.Task, Task.FromException<int>(new SiloUnavailableException()) };
        var sends = 0;

        var awaiting = RejectedCallResender.AwaitAllAsync(calls, _ => { sends++; return Task.FromResult(7); });
        Assert.Equal(0, sends);
        running.SetResult(5);

        var answers = await awaiting;
        Assert.Equal([5, 7], answers);
        Assert.Equal(1, sends);
    }
}
