using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The sender keeps each batch until its receiver processed it, frees credits from cumulative reports, serves
/// replays of what it holds, and probes a receiver only after a probe interval without progress.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RetainedBatchesTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Add_WhenTheSequenceIsNotTheNext_Throws()
    {
        var retained = new RetainedBatches(_time);
        retained.Add(Batch(0));

        Assert.Throws<ArgumentException>(() => retained.Add(Batch(2)));
        Assert.Equal(1, retained.NextSequence);
    }

    [Fact]
    public void Acknowledge_FreesTheBatchesProcessedSinceTheLastReport()
    {
        var retained = Sent(4);

        Assert.Equal(2, retained.Acknowledge(2));
        Assert.Equal(0, retained.Acknowledge(2)); // repeated
        Assert.Equal(0, retained.Acknowledge(1)); // overtaken by a later one
        Assert.Equal(2, retained.Count);
        Assert.Equal(2, retained.Acknowledge(4)); // one grant lost in between: the next covers it
        Assert.Equal(0, retained.Count);
        Assert.Equal(4, retained.Acknowledged);
    }

    [Fact]
    public void Acknowledge_WhenMoreThanWasSent_Throws()
    {
        var retained = Sent(2);

        Assert.Throws<InvalidOperationException>(() => retained.Acknowledge(3));
        Assert.Equal(2, retained.Count);
    }

    [Fact]
    public void TryReplay_ReturnsTheHeldBatchesOfTheRangeThatWereSent()
    {
        var retained = Sent(5);
        retained.Acknowledge(1);

        Assert.True(retained.TryReplay(2, 4, out var middle));
        Assert.Equal([2L, 3L], middle.Select(b => b.Sequence));
        Assert.True(retained.TryReplay(3, 99, out var tail));
        Assert.Equal([3L, 4L], tail.Select(b => b.Sequence));
        Assert.True(retained.TryReplay(5, 9, out var notSent));
        Assert.Empty(notSent);
    }

    [Fact]
    public void TryReplay_WhenARequestedBatchWasAlreadyProcessed_IsFalse()
    {
        var retained = Sent(4);
        retained.Acknowledge(2);

        Assert.False(retained.TryReplay(1, 3, out var batches));
        Assert.Empty(batches);
    }

    [Fact]
    public void BeginProbe_WhenNothingIsHeld_IsNull()
    {
        var retained = Sent(2);
        retained.Acknowledge(2);
        _time.Advance(10 * Interval);

        Assert.Null(retained.BeginProbe(Interval));
    }

    [Fact]
    public void BeginProbe_AfterAnIntervalWithoutProgress_CoversTheBatchesSentAtLeastAnIntervalAgo()
    {
        var retained = new RetainedBatches(_time);
        retained.Add(Batch(0));
        _time.Advance(Interval / 2);
        retained.Add(Batch(1));

        _time.Advance((Interval / 2) - TimeSpan.FromMilliseconds(1));
        Assert.Null(retained.BeginProbe(Interval));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(1, retained.BeginProbe(Interval)); // batch 1 was sent only half an interval ago
    }

    [Fact]
    public void BeginProbe_WhileAProbeIsInFlight_IsNullAndAfterItEndsWaitsAnotherInterval()
    {
        var retained = Sent(2);
        _time.Advance(Interval);
        Assert.Equal(2, retained.BeginProbe(Interval));

        _time.Advance(10 * Interval); // the receiver is blocked: the probe takes long
        Assert.Null(retained.BeginProbe(Interval));
        retained.EndProbe();
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Null(retained.BeginProbe(Interval));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, retained.BeginProbe(Interval));
    }

    [Fact]
    public void BeginProbe_AfterAnAcknowledgement_WaitsAFullIntervalAgain()
    {
        var retained = Sent(3);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(500));
        retained.Acknowledge(1); // progress: a slow receiver, not a lost batch

        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Null(retained.BeginProbe(Interval));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, retained.BeginProbe(Interval));
    }

    private RetainedBatches Sent(int count)
    {
        var retained = new RetainedBatches(_time);
        for (var sequence = 0; sequence < count; sequence++)
        {
            retained.Add(Batch(sequence));
        }

        return retained;
    }

    private static ChannelBatch Batch(long sequence) => new() { Sequence = sequence, Records = new[] { sequence } };
}
