using OrleansFlow.Graph;

namespace OrleansFlow.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class KeyFormatTests
{
    [Fact]
    public void StableHash_WhenComputedTwice_IsTheSameValueInEveryProcess()
    {
        // Pinned values: routing between silos depends on every process computing exactly these.
        Assert.Equal(KeyFormat.StableHash("hello"), KeyFormat.StableHash(new string("hello".AsSpan())));
        Assert.Equal(-2003995026, KeyFormat.StableHash("hello"));
        Assert.Equal(KeyFormat.StableHash(42L), KeyFormat.StableHash(42L));
    }

    [Fact]
    public void Format_WhenKeyIsNumberOrTuple_GivesCanonicalText()
    {
        Assert.Equal("42", KeyFormat.Format(42));
        Assert.Equal("-7", KeyFormat.Format(-7L));
        Assert.Equal("word", KeyFormat.Format("word"));
        Assert.Equal("{\"Item1\":\"a\",\"Item2\":1}", KeyFormat.Format(("a", 1)));
    }
}
