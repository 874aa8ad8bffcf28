using OrleansFlow.State;

namespace OrleansFlow.Tests.Unit.State;

[Trait("Category", "Unit")]
public sealed class StateHandlesTests
{
    [Fact]
    public void ValueState_WhenUsedUnderTwoStores_ReadsTheCurrentStoresValue()
    {
        var state = new ValueStateHandle<int>("v");
        var a = new KeyedStateStore();
        var b = new KeyedStateStore();

        using (a.Enter())
        {
            state.Update(1);
        }

        using (b.Enter())
        {
            Assert.False(state.HasValue);
            Assert.Equal(0, state.Value);
            state.Update(2);
        }

        using (a.Enter())
        {
            Assert.True(state.TryGetValue(out var value));
            Assert.Equal(1, value);
        }
    }

    [Fact]
    public void ValueState_WhenValueIsTheTypesDefault_StillHasAValue()
    {
        var state = new ValueStateHandle<int>("v");
        var store = new KeyedStateStore();

        using (store.Enter())
        {
            state.Update(0);
            Assert.True(state.HasValue);
            state.Clear();
            Assert.False(state.HasValue);
        }

        Assert.True(store.IsEmpty);
    }

    [Fact]
    public void Enter_WhenNested_RestoresThePreviousStoreOnDispose()
    {
        var state = new ValueStateHandle<string>("v");
        var outer = new KeyedStateStore();
        var inner = new KeyedStateStore();

        using (outer.Enter())
        {
            state.Update("outer");
            using (inner.Enter())
            {
                state.Update("inner");
            }

            Assert.Equal("outer", state.Value);
        }

        Assert.Equal("inner", StateValues.Unwrap(inner.Get("v")));
    }

    [Fact]
    public void Handles_WhenNoStoreIsCurrent_ThrowClearError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ValueStateHandle<int>("v").Update(1));

        Assert.Contains("keyed function", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new ListStateHandle<int>("l").Get());
        Assert.Throws<InvalidOperationException>(() => new MapStateHandle<int, int>("m").Contains(1));
    }

    [Fact]
    public void ListState_WhenElementsAreAddedAndReplaced_KeepsOrderAndClearsWhenEmpty()
    {
        var list = new ListStateHandle<int>("l");
        var store = new KeyedStateStore();

        using (store.Enter())
        {
            Assert.Empty(list.Get());
            list.Add(1);
            list.AddAll([2, 3]);
            Assert.Equal([1, 2, 3], list.Get());
            list.Update([9, 8]);
            Assert.Equal([9, 8], list.Get());
            list.Update([]);
            Assert.Empty(list.Get());
        }

        Assert.True(store.IsEmpty);
    }

    [Fact]
    public void MapState_WhenLastEntryIsRemoved_RemovesTheState()
    {
        var map = new MapStateHandle<string, int>("m");
        var store = new KeyedStateStore();

        using (store.Enter())
        {
            Assert.False(map.Remove("missing"));
            map.Put("a", 1);
            map.Put("b", 2);
            map.Put("a", 3);
            Assert.True(map.Contains("a"));
            Assert.Equal([new KeyValuePair<string, int>("a", 3), new KeyValuePair<string, int>("b", 2)], map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.True(map.Remove("a"));
            Assert.False(map.Contains("a"));
            Assert.True(map.Remove("b"));
            Assert.Empty(map.Entries);
        }

        Assert.True(store.IsEmpty);
    }

    [Fact]
    public void MapState_WhenUsedUnderTwoStores_KeepsEntriesApart()
    {
        var map = new MapStateHandle<string, int>("m");
        var a = new KeyedStateStore();
        var b = new KeyedStateStore();

        using (a.Enter())
        {
            map.Put("x", 1);
        }

        using (b.Enter())
        {
            Assert.False(map.TryGetValue("x", out _));
        }

        Assert.Equal(["m"], a.Names);
        Assert.True(b.IsEmpty);
    }
}
