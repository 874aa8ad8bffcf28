using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class CompletedCheckpointStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_WithinTheLimit_EvictsNothingAndTracksTheLatest()
    {
        var store = new CompletedCheckpointStore(maxRetained: 3);

        Assert.Null(store.Latest);
        Assert.Empty(store.Add(Checkpoint(1)));
        Assert.Empty(store.Add(Checkpoint(2)));

        Assert.Equal(2, store.Latest!.CheckpointId);
        Assert.Equal([1L, 2L], store.All.Select(c => c.CheckpointId));
    }

    [Fact]
    public void Add_BeyondTheLimit_EvictsTheOldestFirstAndReturnsIt()
    {
        var store = new CompletedCheckpointStore(maxRetained: 2);
        store.Add(Checkpoint(1));
        store.Add(Checkpoint(2));

        var evicted = store.Add(Checkpoint(5));

        Assert.Equal([1L], evicted.Select(c => c.CheckpointId));
        Assert.Equal([2L, 5L], store.All.Select(c => c.CheckpointId));
        Assert.Equal([2L], store.Add(Checkpoint(6)).Select(c => c.CheckpointId));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Add_WhenOnlyOneIsRetained_KeepsTheNewestAndEvictsThePreviousOne()
    {
        var store = new CompletedCheckpointStore(maxRetained: 1);

        Assert.Empty(store.Add(Checkpoint(1)));
        Assert.Equal(1, store.Latest!.CheckpointId);

        var evicted = store.Add(Checkpoint(2));

        Assert.Equal([1L], evicted.Select(c => c.CheckpointId));
        Assert.Equal(2, store.Latest!.CheckpointId);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Add_WhenTheIdIsNotNewerThanTheLatest_ThrowsAndKeepsTheStore()
    {
        var store = new CompletedCheckpointStore(maxRetained: 2);
        store.Add(Checkpoint(3));

        Assert.Throws<ArgumentException>(() => store.Add(Checkpoint(3)));
        Assert.Throws<ArgumentException>(() => store.Add(Checkpoint(2)));
        Assert.Equal([3L], store.All.Select(c => c.CheckpointId));
    }

    [Fact]
    public void Clear_RemovesAndReturnsEveryCheckpointOldestFirst()
    {
        var store = new CompletedCheckpointStore(maxRetained: 3);
        store.Add(Checkpoint(1));
        store.Add(Checkpoint(2));

        Assert.Equal([1L, 2L], store.Clear().Select(c => c.CheckpointId));
        Assert.Null(store.Latest);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void RollBack_AfterAnAdditionThatEvicted_RestoresThePreviousCheckpointsInOrder()
    {
        var store = new CompletedCheckpointStore(maxRetained: 2);
        store.Add(Checkpoint(1));
        store.Add(Checkpoint(2));
        var added = Checkpoint(3);
        var evicted = store.Add(added);

        store.RollBack(added, evicted);

        Assert.Equal([1L, 2L], store.All.Select(c => c.CheckpointId));
        Assert.Equal(2, store.Latest!.CheckpointId);
    }

    [Fact]
    public void RollBack_OfACheckpointThatIsNotTheLatest_Throws()
    {
        var store = new CompletedCheckpointStore(maxRetained: 3);
        var first = Checkpoint(1);
        store.Add(first);
        store.Add(Checkpoint(2));

        Assert.Throws<InvalidOperationException>(() => store.RollBack(first, []));
        Assert.Equal([1L, 2L], store.All.Select(c => c.CheckpointId));
    }

    [Fact]
    public void Constructor_OverAList_WorksOnThatListInPlace()
    {
        List<RetainedCheckpoint> persisted = [Checkpoint(4)];
        var store = new CompletedCheckpointStore(maxRetained: 1, persisted);

        Assert.Equal(4, store.LatestId);
        Assert.NotNull(store.Find(4));
        store.Add(Checkpoint(5));

        Assert.Equal([5L], persisted.Select(c => c.CheckpointId));
        Assert.Null(store.Find(4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_WhenFewerThanOneIsRetained_Throws(int maxRetained)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompletedCheckpointStore(maxRetained));
    }

    private static RetainedCheckpoint Checkpoint(long id) => new(id, Start.AddSeconds(id + 1), []);
}
