using OrleansFlow.Execution;
using OrleansFlow.Graph;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class KeySplitterTests
{
    private static readonly (string Word, int Seq)[] Batch =
    [
        ("b", 0), ("a", 1), ("b", 2), ("c", 3), ("a", 4), ("b", 5), ("d", 6),
    ];

    [Fact]
    public void Split_WhenKeysInterleave_GroupsByKeyInOrderOfFirstAppearance()
    {
        var splitter = NewSplitter();

        var slices = splitter.Split(Batch, 0, Batch.Length);

        Assert.Equal(["b", "a", "c", "d"], slices.Select(s => s.KeyText));
        Assert.Equal(["b", "a", "c", "d"], slices.Select(s => (string)s.Key));
        Assert.Equal([0, 2, 5], Records(slices[0]));
        Assert.Equal([1, 4], Records(slices[1]));
        Assert.Equal([3], Records(slices[2]));
        Assert.Equal([6], Records(slices[3]));
    }

    [Fact]
    public void Split_WhenGivenARange_UsesOnlyRecordsInStartToEnd()
    {
        var splitter = NewSplitter();

        var slices = splitter.Split(Batch, 2, 5);

        Assert.Equal(["b", "c", "a"], slices.Select(s => s.KeyText));
        Assert.Equal([2], Records(slices[0]));
        Assert.Equal([3], Records(slices[1]));
        Assert.Equal([4], Records(slices[2]));
    }

    [Fact]
    public void Split_WhenRangeIsEmpty_ReturnsNoSlices()
    {
        Assert.Empty(NewSplitter().Split(Batch, 3, 3));
    }

    [Fact]
    public void Split_WhenKeyIsATuple_NamesSlicesByCanonicalText()
    {
        var splitter = new KeySplitter<(string, int), (string, int)>(new KeyRouter<(string, int), (string, int)>(r => r));

        var slices = splitter.Split(new[] { ("x", 1), ("x", 1) }, 0, 2);

        var slice = Assert.Single(slices);
        Assert.Equal("{\"Item1\":\"x\",\"Item2\":1}", slice.KeyText);
        Assert.Equal(2, ((ValueTuple<string, int>[])slice.Records).Length);
    }

    private static KeySplitter<string, (string Word, int Seq)> NewSplitter() =>
        new(new KeyRouter<(string Word, int Seq), string>(r => r.Word));

    private static int[] Records(KeySlice slice) => ((ValueTuple<string, int>[])slice.Records).Select(r => r.Item2).ToArray();
}
