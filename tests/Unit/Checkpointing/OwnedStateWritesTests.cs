using OrleansFlow.Checkpointing;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class OwnedStateWritesTests
{
    [Fact]
    public async Task WriteOwnedState_WhenAnEarlierFailedWriteReachedStorage_TakesTheStoredETagAndWritesTheInMemoryState()
    {
        var storage = Fake();
        storage.StoreBehindOurBack("written by the write that timed out");

        await storage.WriteOwnedStateAsync(CancellationToken.None);

        Assert.Equal("mine", storage.Stored);
        Assert.Equal("mine", storage.State);
        Assert.Equal(1, storage.Reads);
        Assert.Equal(2, storage.WriteAttempts);
    }

    [Fact]
    public async Task WriteOwnedState_WhenTheETagMatches_WritesOnceWithoutReading()
    {
        var storage = Fake();

        await storage.WriteOwnedStateAsync(CancellationToken.None);

        Assert.Equal("mine", storage.Stored);
        Assert.Equal(0, storage.Reads);
        Assert.Equal(1, storage.WriteAttempts);
    }

    [Fact]
    public async Task WriteOwnedState_WhenStorageFailsOtherwise_Throws()
    {
        var storage = Fake(unavailable: true);

        await Assert.ThrowsAsync<TimeoutException>(() => storage.WriteOwnedStateAsync(CancellationToken.None));
        Assert.Equal(0, storage.Reads);
    }

    private static FakeGrainState<string> Fake(bool unavailable = false) => new("mine", v => v) { Unavailable = unavailable };
}
