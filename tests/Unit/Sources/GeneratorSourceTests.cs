using OrleansFlow.Sources;

namespace OrleansFlow.Tests.Unit.Sources;

[Trait("Category", "Unit")]
public sealed class GeneratorSourceTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 10)]
    [InlineData(4, 2)]
    [InlineData(5, 101)]
    public async Task ReadBatchAsync_WhenParallel_SubtaskSGetsTheIndicesCongruentToSModP(int parallelism, long count)
    {
        var source = new GeneratorSource<long>(i => i * 10, count);

        var all = new List<long>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            var records = await ReadAllAsync(source, subtask, parallelism);
            var expected = Enumerable.Range(0, (int)count).Where(i => i % parallelism == subtask).Select(i => i * 10L);
            Assert.Equal(expected, records);
            all.AddRange(records);
        }

        Assert.Equal(Enumerable.Range(0, (int)count).Select(i => i * 10L), all.Order());
    }

    [Fact]
    public async Task CreateReader_WhenResumedFromPosition_ContinuesWithTheNextIndex()
    {
        var source = new GeneratorSource<long>(i => i, 20);
        var first = new List<long>();
        long position;
        using (var reader = source.CreateReader(new SourceReaderContext(1, 3, null)))
        {
            Assert.True(await reader.ReadBatchAsync(first, 2, CancellationToken.None));
            position = reader.Position;
        }

        var rest = await ReadAllAsync(source, 1, 3, position);

        Assert.Equal([1L, 4L], first);
        Assert.Equal([7L, 10L, 13L, 16L, 19L], rest);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenUnbounded_KeepsProducing()
    {
        var source = new GeneratorSource<long>(i => i, count: null);
        using var reader = source.CreateReader(new SourceReaderContext(0, 2, null));
        var output = new List<long>();

        for (var batch = 0; batch < 5; batch++)
        {
            Assert.True(await reader.ReadBatchAsync(output, 1000, CancellationToken.None));
        }

        Assert.False(source.IsBounded);
        Assert.Equal(5000, output.Count);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => 2L * i), output);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenTheLastRecordsFitTheBatch_ReturnsFalseWithThem()
    {
        var source = new GeneratorSource<long>(i => i, 4);
        using var reader = source.CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<long>();

        Assert.False(await reader.ReadBatchAsync(output, 4, CancellationToken.None));
        Assert.Equal([0L, 1L, 2L, 3L], output);
    }

    [Fact]
    public async Task DescribeRecord_WhenBatchWasRead_NamesTheGlobalIndex()
    {
        var source = new GeneratorSource<long>(i => i, 100);
        using var reader = source.CreateReader(new SourceReaderContext(2, 4, null));
        var output = new List<long>();
        await reader.ReadBatchAsync(output, 3, CancellationToken.None);
        await reader.ReadBatchAsync(output, 3, CancellationToken.None);

        Assert.Equal("generated record 14", reader.DescribeRecord(0));
    }

    internal static async Task<List<T>> ReadAllAsync<T>(ISource<T> source, int subtask, int parallelism, long? start = null)
    {
        using var reader = source.CreateReader(new SourceReaderContext(subtask, parallelism, start));
        var output = new List<T>();
        var guard = 0;
        while (await reader.ReadBatchAsync(output, 3, CancellationToken.None))
        {
            Assert.True(++guard < 100_000, "The reader never reported the end of its input.");
        }

        return output;
    }
}
