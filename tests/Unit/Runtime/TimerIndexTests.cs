using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class TimerIndexTests
{
    private readonly Dictionary<string, KeyEntry> _keys = [];

    /// <summary>The subtask's one entry per key, as its key table holds them.</summary>
    private KeyEntry Key(string text, object? key = null)
    {
        if (!_keys.TryGetValue(text, out var entry))
        {
            entry = new KeyEntry(text, key ?? text);
            _keys[text] = entry;
        }

        return entry;
    }

    [Fact]
    public void TakeDue_WhenTimersOfSeveralKeysAreDue_GroupsThemByKeyInOrderOfEachKeysEarliestTimer()
    {
        var index = new TimerIndex();
        index.Add(300, Key("b", "B"));
        index.Add(100, Key("c", "C"));
        index.Add(200, Key("b", "B"));
        index.Add(100, Key("a", "A"));
        index.Add(400, Key("a", "A"));
        index.Add(250, Key("a", "A"));

        var due = index.TakeDue(300);

        Assert.Equal(["a", "c", "b"], due.Select(d => d.Key.KeyText));
        Assert.Equal([100L, 250L], due[0].Times);
        Assert.Equal([100L], due[1].Times);
        Assert.Equal([200L, 300L], due[2].Times);
        Assert.Equal(["A", "C", "B"], due.Select(d => d.Key.Key));
        Assert.Equal(1, index.Count);
        Assert.Equal(400, index.Earliest);
    }

    [Fact]
    public void TakeDue_WhenCalledAgain_DoesNotReturnTimersTakenBefore()
    {
        var index = new TimerIndex();
        index.Add(10, Key("k", 1));
        index.TakeDue(10);

        Assert.Empty(index.TakeDue(10));
        Assert.Null(index.Earliest);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void TakeDue_WhenNothingIsDue_ReturnsEmptyAndKeepsTimers()
    {
        var index = new TimerIndex();
        index.Add(10, Key("k", 1));

        Assert.Empty(index.TakeDue(9));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Add_WhenSameTimeAndKeyTwice_KeepsOneTimer()
    {
        var index = new TimerIndex();
        index.Add(10, Key("k", 1));
        index.Add(10, Key("k", 1));

        Assert.Equal(1, index.Count);
        Assert.Equal([10L], Assert.Single(index.TakeDue(10)).Times);
    }

    [Fact]
    public void Remove_WhenTimerWasDeleted_IsNotTaken()
    {
        var index = new TimerIndex();
        index.Add(10, Key("k", 1));
        index.Add(20, Key("k", 1));
        index.Remove(10, Key("k"));

        var due = Assert.Single(index.TakeDue(100));

        Assert.Equal([20L], due.Times);
    }

    [Fact]
    public void TakeDue_WhenTimesAreNegative_OrdersThemNumerically()
    {
        var index = new TimerIndex();
        index.Add(5, Key("x", 1));
        index.Add(-5, Key("y", 2));
        index.Add(long.MinValue, Key("z", 3));

        Assert.Equal(["z", "y", "x"], index.TakeDue(long.MaxValue).Select(d => d.Key.KeyText));
    }
}
