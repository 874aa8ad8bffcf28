using OrleansFlow.Functions;

namespace OrleansFlow.Tests.Unit.Functions;

[Trait("Category", "Unit")]
public sealed class FieldAccessorTests
{
    [Fact]
    public void With_WhenRecordIsAClassWithInitProperties_ReturnsACopyAndLeavesTheOriginal()
    {
        var accessor = FieldAccessor<WordCount, int>.Create(x => x.Count);
        var original = new WordCount("apple", 1, "first");

        var updated = accessor.With(original, 5);

        Assert.Equal(5, accessor.Get(updated));
        Assert.Equal("apple", updated.Word);
        Assert.Equal("first", updated.Note);
        Assert.Equal(1, original.Count);
        Assert.NotSame(original, updated);
    }

    [Fact]
    public void With_WhenRecordIsAValueTuple_ReplacesOnlyThatField()
    {
        var accessor = FieldAccessor<(string Word, long Count), long>.Create(x => x.Count);

        Assert.Equal(("w", 42L), accessor.With(("w", 1L), 42));
        Assert.Equal(7L, accessor.Get(("w", 7L)));
    }

    [Fact]
    public void With_WhenRecordIsAStructWithProperty_ReplacesOnlyThatProperty()
    {
        var accessor = FieldAccessor<Reading, double>.Create(x => x.Value);

        var updated = accessor.With(new Reading { Sensor = "s1", Value = 1.5 }, 4.0);

        Assert.Equal("s1", updated.Sensor);
        Assert.Equal(4.0, updated.Value);
    }

    [Fact]
    public void With_WhenSelectorIsTheRecordItself_ReturnsTheValue()
    {
        var accessor = FieldAccessor<int, int>.Create(x => x);

        Assert.Equal(9, accessor.With(3, 9));
        Assert.Equal(3, accessor.Get(3));
    }

    [Fact]
    public void Create_WhenSelectorIsANestedMember_ThrowsClearArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => FieldAccessor<Outer, int>.Create(x => x.Inner.Count));

        Assert.Equal("selector", error.ParamName);
        Assert.Contains("field or property of the record itself", error.Message, StringComparison.Ordinal);
        Assert.Contains("x.Inner.Count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WhenSelectorIsAComputation_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => FieldAccessor<WordCount, int>.Create(x => x.Count + 1));
        Assert.Throws<ArgumentException>(() => FieldAccessor<WordCount, int>.Create(x => x.Word.Length));
    }

    [Fact]
    public void Create_WhenPropertyIsReadOnly_ThrowsNamingTheProperty()
    {
        var error = Assert.Throws<ArgumentException>(() => FieldAccessor<ReadOnlyCount, int>.Create(x => x.Count));

        Assert.Contains("'Count'", error.Message, StringComparison.Ordinal);
    }

    public sealed record WordCount(string Word, int Count, string Note);

    public struct Reading
    {
        public string Sensor { get; set; }

        public double Value { get; set; }
    }

    public sealed class Outer
    {
        public WordCount Inner { get; init; } = new("x", 0, string.Empty);
    }

    public sealed class ReadOnlyCount(int count)
    {
        public int Count { get; } = count;
    }
}
