using OrleansFlow.Sources;

namespace OrleansFlow.Tests.Unit.Sources;

[Trait("Category", "Unit")]
public sealed class CollectionSourceTests
{
    private static readonly string[] Items = ["a", "b", "c", "d", "e"];

    [Fact]
    public async Task ReadBatchAsync_WhenReadToTheEnd_EmitsAllElementsInOrder()
    {
        var records = await GeneratorSourceTests.ReadAllAsync(new CollectionSource<string>(Items), 0, 1);

        Assert.Equal(Items, records);
    }

    [Fact]
    public async Task CreateReader_WhenResumedFromPosition_ContinuesWithTheNextElement()
    {
        var source = new CollectionSource<string>(Items);
        var first = new List<string>();
        long position;
        using (var reader = source.CreateReader(new SourceReaderContext(0, 1, null)))
        {
            Assert.True(await reader.ReadBatchAsync(first, 2, CancellationToken.None));
            position = reader.Position;
        }

        using var resumed = source.CreateReader(new SourceReaderContext(0, 1, position));
        var rest = new List<string>();
        var more = await resumed.ReadBatchAsync(rest, 10, CancellationToken.None);

        Assert.Equal(["a", "b"], first);
        Assert.Equal(2, position);
        Assert.Equal(["c", "d", "e"], rest);
        Assert.False(more);
        Assert.Equal("element 3 of the collection", resumed.DescribeRecord(1));
    }

    [Fact]
    public async Task CreateReader_WhenResumedAtTheEnd_ReadsNothing()
    {
        using var reader = new CollectionSource<string>(Items).CreateReader(new SourceReaderContext(0, 1, Items.Length));
        var output = new List<string>();

        Assert.False(await reader.ReadBatchAsync(output, 10, CancellationToken.None));
        Assert.Empty(output);
    }
}
