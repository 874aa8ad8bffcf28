using Orleans.Storage;
using OrleansFlow.Checkpointing;

namespace OrleansFlow.Tests.Unit.Checkpointing;

[Trait("Category", "Unit")]
public sealed class OwnedStateWritesTests
{
    [Fact]
    public async Task WriteOwnedState_WhenAnEarlierFailedWriteReachedStorage_TakesTheStoredETagAndWritesTheInMemoryState()
    {
        var storage = new FakeState { State = "mine" };
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
        var storage = new FakeState { State = "mine" };

        await storage.WriteOwnedStateAsync(CancellationToken.None);

        Assert.Equal("mine", storage.Stored);
        Assert.Equal(0, storage.Reads);
        Assert.Equal(1, storage.WriteAttempts);
    }

    [Fact]
    public async Task WriteOwnedState_WhenStorageFailsOtherwise_Throws()
    {
        var storage = new FakeState { State = "mine", Unavailable = true };

        await Assert.ThrowsAsync<TimeoutException>(() => storage.WriteOwnedStateAsync(CancellationToken.None));
        Assert.Equal(0, storage.Reads);
    }

    /// <summary>Grain state over an in-memory record with an ETag checked on every write, as the Orleans providers do.</summary>
    private sealed class FakeState : IPersistentState<string>
    {
        private string? _storedEtag;

        public string State { get; set; } = "";

        public string? Etag { get; private set; }

        public bool RecordExists => _storedEtag is not null;

        public string? Stored { get; private set; }

        public bool Unavailable { get; init; }

        public int Reads { get; private set; }

        public int WriteAttempts { get; private set; }

        public void StoreBehindOurBack(string value)
        {
            Stored = value;
            _storedEtag = Guid.NewGuid().ToString("N");
        }

        public Task ReadStateAsync()
        {
            Reads++;
            State = Stored ?? "";
            Etag = _storedEtag;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync()
        {
            WriteAttempts++;
            if (Unavailable)
            {
                throw new TimeoutException("storage is unreachable");
            }

            if (Etag != _storedEtag)
            {
                throw new InconsistentStateException("Version conflict", _storedEtag, Etag);
            }

            Stored = State;
            _storedEtag = Etag = Guid.NewGuid().ToString("N");
            return Task.CompletedTask;
        }

        public Task ClearStateAsync()
        {
            Stored = null;
            _storedEtag = Etag = null;
            return Task.CompletedTask;
        }
    }
}
