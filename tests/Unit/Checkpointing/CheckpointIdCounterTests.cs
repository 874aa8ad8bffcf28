using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CheckpointIdCounterTests
{
    [Fact]
    public void Next_WhenNew_StartsAtOneAndIncreasesByOne()
    {
        var counter = new CheckpointIdCounter();

        Assert.Equal(1, counter.Next());
        Assert.Equal(2, counter.Next());
        Assert.Equal(3, counter.Next());
        Assert.Equal(3, counter.LastId);
    }

    [Fact]
    public void Next_AfterFailoverWithThePersistedHighWaterMark_NeverRepeatsAnId()
    {
        var first = new CheckpointIdCounter();
        var handedOut = new List<long> { first.Next(), first.Next(), first.Next() };

        var afterFailover = new CheckpointIdCounter(first.LastId);
        handedOut.Add(afterFailover.Next());
        handedOut.Add(afterFailover.Next());

        Assert.Equal([1, 2, 3, 4, 5], handedOut);
    }

    [Fact]
    public void Observe_WhenStorageHoldsANewerId_RaisesTheHighWaterMark()
    {
        var counter = new CheckpointIdCounter(lastIdSeen: 4);

        counter.Observe(9);
        counter.Observe(2); // older ids change nothing

        Assert.Equal(9, counter.LastId);
        Assert.Equal(10, counter.Next());
    }

    [Fact]
    public void Next_WhenIdsAreExhausted_Throws()
    {
        var counter = new CheckpointIdCounter(long.MaxValue);

        Assert.Throws<InvalidOperationException>(() => counter.Next());
    }

    [Fact]
    public void Constructor_WhenLastIdIsNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointIdCounter(-1));
    }
}
