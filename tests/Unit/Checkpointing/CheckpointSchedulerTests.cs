using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointSchedulerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Decide_BeforeTheFirstInterval_IsNotDueUntilOneIntervalAfterCreation()
    {
        var start = _time.GetUtcNow();
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.Zero, maxConcurrent: 1, _time);

        var decision = scheduler.Decide(pendingCount: 0);

        Assert.Equal(TriggerVerdict.NotDue, decision.Verdict);
        Assert.False(decision.CanTrigger);
        Assert.Equal(start + Interval, decision.NextAttemptAt);
    }

    [Fact]
    public void Decide_WhenDueAndNothingIsInFlight_TriggersNow()
    {
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.Zero, maxConcurrent: 1, _time);
        _time.Advance(Interval);

        var decision = scheduler.Decide(pendingCount: 0);

        Assert.True(decision.CanTrigger);
        Assert.Null(decision.NextAttemptAt);
    }

    [Fact]
    public void OnTriggered_MakesTheNextCheckpointDueOneIntervalAfterThisOneStarted()
    {
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.Zero, maxConcurrent: 2, _time);
        _time.Advance(Interval + TimeSpan.FromSeconds(3)); // triggered late
        var triggered = _time.GetUtcNow();
        scheduler.OnTriggered();

        _time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(new CheckpointTriggerDecision(TriggerVerdict.NotDue, triggered + Interval), scheduler.Decide(pendingCount: 1));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(scheduler.Decide(pendingCount: 1).CanTrigger);
    }

    [Fact]
    public void Decide_WhenTheConcurrencyLimitIsReached_WaitsForAPendingCheckpointToEnd()
    {
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.Zero, maxConcurrent: 2, _time);
        _time.Advance(Interval);

        Assert.True(scheduler.Decide(pendingCount: 1).CanTrigger);
        Assert.Equal(new CheckpointTriggerDecision(TriggerVerdict.TooManyConcurrent, null), scheduler.Decide(pendingCount: 2));
        Assert.Equal(TriggerVerdict.TooManyConcurrent, scheduler.Decide(pendingCount: 3).Verdict);
    }

    [Fact]
    public void Constructor_WhenAMinimumPauseIsSet_LimitsConcurrencyToOne()
    {
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.FromSeconds(1), maxConcurrent: 5, _time);
        _time.Advance(Interval);

        Assert.Equal(1, scheduler.MaxConcurrent);
        Assert.Equal(TriggerVerdict.TooManyConcurrent, scheduler.Decide(pendingCount: 1).Verdict);
        Assert.True(scheduler.Decide(pendingCount: 0).CanTrigger);
    }

    [Fact]
    public void Constructor_WhenTheIntervalIsShorterThanTheMinimumPause_RaisesItToThePause()
    {
        var scheduler = new CheckpointScheduler(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), maxConcurrent: 1, _time);

        Assert.Equal(TimeSpan.FromSeconds(4), scheduler.Interval);
    }

    [Fact]
    public void Decide_WhenTheLastCheckpointEndedWithinTheMinimumPause_WaitsUntilThePauseEnds()
    {
        // Interval 10 s, min pause 6 s: checkpoint 1 starts at 10 s and takes 7 s, so checkpoint 2 is due at 20 s
        // by the interval but may start only at 17 s + 6 s = 23 s.
        var minPause = TimeSpan.FromSeconds(6);
        var start = _time.GetUtcNow();
        var scheduler = new CheckpointScheduler(Interval, minPause, maxConcurrent: 1, _time);
        _time.Advance(Interval);
        scheduler.OnTriggered();
        _time.Advance(TimeSpan.FromSeconds(7));
        scheduler.OnCheckpointEnded();

        _time.Advance(TimeSpan.FromSeconds(3)); // 20 s
        var decision = scheduler.Decide(pendingCount: 0);
        Assert.Equal(TriggerVerdict.MinimumPause, decision.Verdict);
        Assert.Equal(start + TimeSpan.FromSeconds(23), decision.NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        Assert.Equal(TriggerVerdict.MinimumPause, scheduler.Decide(pendingCount: 0).Verdict);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(scheduler.Decide(pendingCount: 0).CanTrigger);
    }

    [Fact]
    public void Decide_WhenTheLastCheckpointWasAborted_CountsThePauseFromTheAbort()
    {
        var minPause = TimeSpan.FromSeconds(5);
        var scheduler = new CheckpointScheduler(Interval, minPause, maxConcurrent: 1, _time);
        _time.Advance(Interval);
        scheduler.OnTriggered();
        _time.Advance(TimeSpan.FromSeconds(9)); // aborted (say, timed out) at 19 s
        var aborted = _time.GetUtcNow();
        scheduler.OnCheckpointEnded();

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new CheckpointTriggerDecision(TriggerVerdict.MinimumPause, aborted + minPause), scheduler.Decide(pendingCount: 0));
        Assert.Equal(aborted, scheduler.LastEnd);
    }

    [Fact]
    public void Decide_WhenThePauseHasPassedBeforeTheInterval_WaitsForTheInterval()
    {
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.FromSeconds(2), maxConcurrent: 1, _time);
        _time.Advance(Interval);
        var triggered = _time.GetUtcNow();
        scheduler.OnTriggered();
        _time.Advance(TimeSpan.FromSeconds(1));
        scheduler.OnCheckpointEnded();
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(new CheckpointTriggerDecision(TriggerVerdict.NotDue, triggered + Interval), scheduler.Decide(pendingCount: 0));
    }

    [Fact]
    public void Decide_WhenBothLimitsApply_ReportsTheConcurrencyLimitFirst()
    {
        // As Flink's CheckpointRequestDecider: too many in flight is checked before the pause. Interval 30 s (raised
        // to the pause); checkpoint 1 runs from 30 s to 50 s, so the pause lasts until 80 s; at 60 s a (forced)
        // checkpoint is still in flight.
        var start = _time.GetUtcNow();
        var scheduler = new CheckpointScheduler(Interval, TimeSpan.FromSeconds(30), maxConcurrent: 1, _time);
        _time.Advance(TimeSpan.FromSeconds(30));
        scheduler.OnTriggered();
        _time.Advance(TimeSpan.FromSeconds(20));
        scheduler.OnCheckpointEnded();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TriggerVerdict.TooManyConcurrent, scheduler.Decide(pendingCount: 1).Verdict);
        Assert.Equal(new CheckpointTriggerDecision(TriggerVerdict.MinimumPause, start + TimeSpan.FromSeconds(80)), scheduler.Decide(pendingCount: 0));
    }

    [Fact]
    public void Constructor_WhenValuesAreInvalid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointScheduler(TimeSpan.Zero, TimeSpan.Zero, 1, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointScheduler(Interval, TimeSpan.FromSeconds(-1), 1, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointScheduler(Interval, TimeSpan.Zero, 0, _time));
    }
}
