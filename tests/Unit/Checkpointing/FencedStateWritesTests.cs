using OrleansFlow.Checkpointing;
using OrleansFlow.Jobs;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Checkpointing;

/// <summary>
/// The fencing rule of the job manager's and the coordinator's state: a conflict caused by our own earlier write is
/// repaired, one caused by another activation makes us stale (the mechanism behind the duplicate job manager hang:
/// two activations of one job manager, each acting on its own view).
/// </summary>
[Trait("Category", "Unit")]
public sealed class FencedStateWritesTests
{
    private const string Us = "activation-a";
    private const string Them = "activation-b";

    [Fact]
    public async Task WriteFenced_WhenOurEarlierTimedOutWriteReachedStorage_WritesTheInMemoryStateAgain()
    {
        var storage = Fake(new Record(1, null));
        storage.StoreBehindOurBack(new Record(1, Us)); // our write timed out on the client side but landed
        storage.State = new Record(2, null);

        await storage.WriteFencedAsync(Us, CancellationToken.None);

        Assert.Equal(new Record(2, Us), storage.Stored);
        Assert.Equal(2, storage.WriteAttempts);
    }

    [Fact]
    public async Task WriteFenced_WhenAnotherActivationWroteSince_ThrowsStaleAndKeepsItsStateInMemory()
    {
        var storage = Fake(new Record(1, null));
        storage.StoreBehindOurBack(new Record(7, Them));
        storage.State = new Record(2, null);

        var stale = await Assert.ThrowsAsync<StaleActivationException>(() => storage.WriteFencedAsync(Us, CancellationToken.None));

        Assert.Contains(Them, stale.Message, StringComparison.Ordinal);
        Assert.Equal(new Record(7, Them), storage.Stored); // nothing of ours overwrote it
        Assert.Equal(new Record(7, Them), storage.State); // what we answer from now on is the current state
        Assert.Equal(1, storage.WriteAttempts);
    }

    [Fact]
    public async Task WriteFenced_WhenTheETagMatches_WritesOnceStampedWithTheWriter()
    {
        var storage = Fake(new Record(3, null));

        await storage.WriteFencedAsync(Us, CancellationToken.None);

        Assert.Equal(new Record(3, Us), storage.Stored);
        Assert.Equal(0, storage.Reads);
    }

    [Fact]
    public async Task TakeOver_WhenAnotherActivationWroteSince_AppliesTheCommandToTheStoredStateAndWritesIt()
    {
        var storage = Fake(new Record(1, null));
        storage.StoreBehindOurBack(new Record(10, Them));

        await storage.TakeOverAsync(Us, r => r.Value++, CancellationToken.None);

        Assert.Equal(new Record(11, Us), storage.Stored); // applied to 10, not to our stale 1
        Assert.Equal(new Record(11, Us), storage.State);
    }

    [Fact]
    public async Task TakeOver_WhenTheCommandRefusesTheStoredState_ThrowsAndWritesNothing()
    {
        var storage = Fake(new Record(1, null));
        storage.StoreBehindOurBack(new Record(10, Them));

        await Assert.ThrowsAsync<StaleActivationException>(() => storage.TakeOverAsync(
            Us,
            r => r.Value = r.Value > 5 ? throw new StaleActivationException("an older job manager") : r.Value + 1,
            CancellationToken.None));

        Assert.Equal(new Record(10, Them), storage.Stored);
        Assert.Equal(1, storage.WriteAttempts); // the in-memory command (on 1) was tried once, then refused on 10
    }

    [Fact]
    public async Task FencedActivation_TwoActivationsOfOneGrain_TheOneThatWritesSecondWithAnOldViewIsStale()
    {
        var storage = Fake(new Record(1, null));
        var first = new FencedActivation<Record>(storage);
        var second = new FencedActivation<Record>(storage);
        Assert.NotEqual(first.Token, second.Token);

        await second.TakeOverAsync(r => r.Value = 2, CancellationToken.None);
        storage.State = new Record(3, null); // the first activation's view, read before the take-over
        storage.StoreBehindOurBack(storage.Stored!); // its ETag is the old one

        await Assert.ThrowsAsync<StaleActivationException>(() => first.WriteAsync(CancellationToken.None));
        Assert.Equal(new Record(2, second.Token), storage.Stored);
    }

    private static FakeGrainState<Record> Fake(Record initial) => new(initial, r => r with { });

    /// <summary>A state with a value and the writer stamp.</summary>
    private sealed record Record(long Value, string? Writer) : IFencedState
    {
        public long Value { get; set; } = Value;

        public string? Writer { get; set; } = Writer;
    }
}
