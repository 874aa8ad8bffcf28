using OrleansFlow.Execution;
using OrleansFlow.Keyed;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class KeyTimersTests
{
    [Fact]
    public void Register_WhenSameTimeAndDomainTwice_KeepsOneTimer()
    {
        var timers = new KeyTimers();

        timers.Register(10, TimeDomain.EventTime);
        timers.Register(10, TimeDomain.EventTime);
        timers.Register(10, TimeDomain.ProcessingTime);

        Assert.Equal(2, timers.Count);
        Assert.Equal(
            [new TimerChange(10, TimeDomain.EventTime, false), new TimerChange(10, TimeDomain.ProcessingTime, false)],
            timers.TakeChanges()!);
    }

    [Fact]
    public void TakeChanges_WhenCalledTwice_ReturnsChangesOnlyOnce()
    {
        var timers = new KeyTimers();
        timers.Register(10, TimeDomain.EventTime);

        Assert.NotNull(timers.TakeChanges());
        Assert.Null(timers.TakeChanges());
    }

    [Fact]
    public void Delete_WhenTimerDoesNotExist_RecordsNoChange()
    {
        var timers = new KeyTimers();

        timers.Delete(10, TimeDomain.EventTime);

        Assert.Null(timers.TakeChanges());
    }

    [Fact]
    public void TryConsume_WhenTimerWasDeletedOrIsOfTheOtherDomain_ReturnsFalse()
    {
        var timers = new KeyTimers();
        timers.Register(10, TimeDomain.EventTime);
        timers.Register(20, TimeDomain.EventTime);
        timers.Delete(20, TimeDomain.EventTime);

        Assert.False(timers.TryConsume(10, TimeDomain.ProcessingTime));
        Assert.False(timers.TryConsume(20, TimeDomain.EventTime));
        Assert.True(timers.TryConsume(10, TimeDomain.EventTime));
        Assert.False(timers.TryConsume(10, TimeDomain.EventTime));
        Assert.Equal(0, timers.Count);
    }
}
