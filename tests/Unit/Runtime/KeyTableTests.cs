using OrleansFlow.Keyed;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class KeyTableTests
{
    private static readonly IKeyedStateGrain Grain = new GrainStub();

    private static byte[] State(int bytes) => new byte[bytes];

    [Fact]
    public void IdleSince_ListsResidentKeysLastUsedAtOrBeforeTheCutoffOldestFirst()
    {
        var table = new KeyTable();
        var a = table.GetOrAdd("a", "a");
        var b = table.GetOrAdd("b", "b");
        var c = table.GetOrAdd("c", "c");
        table.Touch(a, Grain, now: 10);
        table.Touch(b, Grain, now: 20);
        table.Touch(c, Grain, now: 30);
        table.Touch(a, Grain, now: 40); // used again: now the newest

        Assert.Equal(["b", "c"], table.IdleSince(cutoff: 35, max: 10).Select(e => e.KeyText));
        Assert.Equal(["b"], table.IdleSince(cutoff: 35, max: 1).Select(e => e.KeyText));
        Assert.Empty(table.IdleSince(cutoff: 15, max: 10));
        Assert.Equal(3, table.Resident);
    }

    [Fact]
    public void Evict_OfAKeyWithState_KeepsItsCopyAndSeedsItsNextCall()
    {
        var table = new KeyTable();
        var entry = table.GetOrAdd("k", "k");
        table.Touch(entry, Grain, now: 1);
        table.SetImage(entry, State(10));

        table.Evict(entry);

        Assert.Same(entry, table.Find("k"));
        Assert.False(entry.IsResident);
        Assert.Equal(0, table.Resident);
        Assert.Empty(table.IdleSince(long.MaxValue, 10));
        Assert.Equal(10, entry.SeedIfNeeded!.Image!.Length);
    }

    [Fact]
    public void Evict_OfAKeyWithNoStateThatNoCheckpointOwes_DropsIt()
    {
        var table = new KeyTable();
        var entry = table.GetOrAdd("k", "k");
        table.Touch(entry, Grain, now: 1);
        table.SetImage(entry, []);

        table.Evict(entry);

        Assert.Null(table.Find("k"));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Evict_OfAnEmptyKeyChangedSinceTheLastBarrier_KeepsItForTheNextDelta()
    {
        var table = new KeyTable();
        var entry = table.GetOrAdd("k", "k");
        table.Touch(entry, Grain, now: 1);
        table.SetImage(entry, []);
        entry.Changed = true;

        table.Evict(entry);
        Assert.Same(entry, table.Find("k"));

        entry.Changed = false;
        table.RemoveIfEmpty(entry);
        Assert.Null(table.Find("k"));
    }

    [Fact]
    public void SetSnapshot_KeepsTheSizeOfTheCopiesItHolds()
    {
        var table = new KeyTable();
        var a = table.GetOrAdd("a", "a");
        var b = table.GetOrAdd("b", "b");

        table.SetImage(a, State(100));
        table.SetImage(b, State(50));
        table.SetImage(a, State(30));

        Assert.Equal(80, table.StateBytes);
    }

    [Fact]
    public void SeedIfNeeded_OfAResidentKeyIsNoneAndOfANewKeyIsEmpty()
    {
        var table = new KeyTable();
        var entry = table.GetOrAdd("k", "k");

        Assert.Same(KeyStateSeed.Empty, entry.SeedIfNeeded);
        table.Touch(entry, Grain, now: 1);
        Assert.Null(entry.SeedIfNeeded);
    }

    /// <summary>A grain reference the table only stores (it never calls it).</summary>
    private sealed class GrainStub : IKeyedStateGrain
    {
        public ValueTask<KeyedOutput> ProcessAsync(KeyedInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<KeyedOutput> FireTimersAsync(KeyedTimerInput input, int attempt, long sequence, KeyStateSeed? seed, bool copyState, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<KeyedOutput> PassivateAsync(int attempt, bool copyState, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<object?> GetStateAsync(string stateName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, string?>> GetStateTextAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public GrainId GetGrainId() => throw new NotSupportedException();
    }
}
