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

        var slices = Split(splitter, Batch, 0, Batch.Length);

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

        var slices = Split(splitter, Batch, 2, 5);

        Assert.Equal(["b", "c", "a"], slices.Select(s => s.KeyText));
        Assert.Equal([2], Records(slices[0]));
        Assert.Equal([3], Records(slices[1]));
        Assert.Equal([4], Records(slices[2]));
    }

    [Fact]
    public void Split_WhenRangeIsEmpty_ReturnsNoSlices()
    {
        Assert.Empty(Split(NewSplitter(), Batch, 3, 3));
    }

    [Fact]
    public void Split_WhenKeyIsATuple_NamesSlicesByCanonicalText()
    {
        var splitter = new KeySplitter<(string, int), (string, int)>(new KeyRouter<(string, int), (string, int)>(r => r));

        var slices = Split(splitter, new[] { ("x", 1), ("x", 1) }, 0, 2);

        var slice = Assert.Single(slices);
        Assert.Equal("{\"Item1\":\"x\",\"Item2\":1}", slice.KeyText);
        Assert.Equal(2, slice.Count);
    }

    [Fact]
    public void Take_AfterSeveralBatches_GivesEachKeyOneSliceWithAllItsRecordsInOrder()
    {
        var splitter = NewSplitter();
        splitter.Add(Batch, null, 0, 4, long.MinValue);
        splitter.Add(new[] { ("a", 7), ("e", 8), ("b", 9) }, null, 0, 3, long.MinValue);

        Assert.Equal(7, splitter.Count);
        var slices = splitter.Take(long.MinValue);

        Assert.Equal(["b", "a", "c", "e"], slices.Select(s => s.KeyText));
        Assert.Equal([0, 2, 9], Records(slices[0]));
        Assert.Equal([1, 7], Records(slices[1]));
        Assert.Equal(0, splitter.Count);
        Assert.Empty(splitter.Take(long.MinValue));
    }

    [Fact]
    public void Take_WhenTheWatermarkMovedBetweenRecordsOfAKey_GivesThatKeyPerRecordWatermarks()
    {
        var splitter = NewSplitter();
        splitter.Add(new[] { ("a", 0), ("b", 1) }, [10, 11], 0, 2, watermark: 9);
        splitter.Add(new[] { ("a", 2), ("c", 3) }, [12, 13], 0, 2, watermark: 9);
        splitter.Add(new[] { ("a", 4), ("d", 5) }, [14, 15], 0, 2, watermark: 20);

        var slices = splitter.Take(watermark: 20);

        var a = slices.Single(s => s.KeyText == "a");
        Assert.Equal(9, a.Watermark);
        Assert.Equal([9L, 9L, 20L], Range(a.Watermarks!, a));
        Assert.Equal([10L, 12L, 14L], Range(a.Timestamps!, a));
        var b = slices.Single(s => s.KeyText == "b");
        Assert.Equal([9L], Range(b.Watermarks!, b)); // only under an older watermark than the one the buffer is sent with
        Assert.Equal([11L], Range(b.Timestamps!, b));
        var d = slices.Single(s => s.KeyText == "d");
        Assert.Null(d.Watermarks);
        Assert.Equal([15L], Range(d.Timestamps!, d));
    }

    [Fact]
    public void Take_WhenCalledAgain_ReusesItsArraysForTheNextBuffer()
    {
        var splitter = NewSplitter();
        splitter.Add(Batch, null, 0, Batch.Length, long.MinValue);
        var first = splitter.Take(long.MinValue);
        splitter.Add(new[] { ("e", 10), ("b", 11) }, null, 0, 2, long.MinValue);

        var second = splitter.Take(long.MinValue);

        Assert.Same(first[0].Records, second[0].Records);
        Assert.Equal(["e", "b"], second.Select(s => s.KeyText));
        Assert.Equal([10], Records(second[0]));
        Assert.Equal([11], Records(second[1]));
        Assert.Null(second[0].Timestamps);
    }

    private static IReadOnlyList<KeySlice> Split<TKey>(KeySplitter<TKey, (string Word, int Seq)> splitter, (string Word, int Seq)[] batch, int start, int end)
        where TKey : notnull
    {
        splitter.Add(batch, null, start, end, long.MinValue);
        return splitter.Take(long.MinValue);
    }

    private static IReadOnlyList<KeySlice> Split(KeySplitter<(string, int), (string, int)> splitter, (string, int)[] batch, int start, int end)
    {
        splitter.Add(batch, null, start, end, long.MinValue);
        return splitter.Take(long.MinValue);
    }

    private static KeySplitter<string, (string Word, int Seq)> NewSplitter() =>
        new(new KeyRouter<(string Word, int Seq), string>(r => r.Word));

    private static int[] Records(KeySlice slice) => Range((ValueTuple<string, int>[])slice.Records, slice).Select(r => r.Item2).ToArray();

    private static T[] Range<T>(T[] array, KeySlice slice) => array.AsSpan(slice.Offset, slice.Count).ToArray();
}
