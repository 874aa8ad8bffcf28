using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;
using StackExchange.Redis;

namespace OrleansFlow.Tests.Redis;

[Trait("Category", "Redis")]
public sealed class RedisStreamSourceTests(RedisTestServer redis) : IClassFixture<RedisTestServer>, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadBatchAsync_WhenBoundedByCount_ReadsTheEntriesInOrderAndReportsTheLastIdAsPosition()
    {
        var stream = redis.Key("stream");
        var ids = await AddAsync(stream, 0, 10);
        var source = Source(stream, maxEntries: 10);

        var (records, position) = await ReadAllAsync(source, start: null, batch: 3);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), records);
        Assert.Equal(PositionOf(ids[^1]), position);
        Assert.True(source.IsBounded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public async Task CreateReader_WhenResumedFromPosition_ContinuesAfterTheLastEntryWithoutLossOrDuplicates(int stopAfter)
    {
        var stream = redis.Key("resume");
        await AddAsync(stream, 0, 20);
        var source = Source(stream, maxEntries: 20);
        var first = new List<long>();
        long position;
        using (var reader = source.CreateReader(new SourceReaderContext(0, 1, null)))
        {
            for (var batch = 0; batch < stopAfter; batch++)
            {
                Assert.True(await reader.ReadBatchAsync(first, 2, None));
            }

            position = reader.Position;
        }

        var (rest, _) = await ReadAllAsync(source, position, batch: 3);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), first.Concat(rest));
    }

    [Fact]
    public async Task ReadBatchAsync_WhenBoundedByAnEndId_StopsAfterIt()
    {
        var stream = redis.Key("end");
        var ids = await AddAsync(stream, 0, 10);
        var source = Source(stream, startAfter: ids[1], endId: ids[6]);

        var (records, position) = await ReadAllAsync(source, start: null, batch: 4);

        Assert.Equal([2L, 3L, 4L, 5L, 6L], records);
        Assert.Equal(PositionOf(ids[6]), position);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenUnbounded_WaitsForNewEntries()
    {
        var stream = redis.Key("unbounded");
        var source = Source(stream, poll: TimeSpan.FromMilliseconds(5));
        using var reader = source.CreateReader(new SourceReaderContext(0, 1, null));
        var output = new List<long>();

        var moreWhenEmpty = await reader.ReadBatchAsync(output, 10, None);
        await AddAsync(stream, 0, 3);
        var moreAfterAdd = await reader.ReadBatchAsync(output, 10, None);

        Assert.False(source.IsBounded);
        Assert.True(moreWhenEmpty);
        Assert.True(moreAfterAdd);
        Assert.Equal([0L, 1L, 2L], output);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenAnEntryIsMalformed_FailsNamingTheStreamAndEntryId()
    {
        var stream = redis.Key("bad");
        await AddAsync(stream, 0, 2);
        var bad = (await redis.Database.StreamAddAsync(stream, "value", "not a number")).ToString();
        using var reader = Source(stream, maxEntries: 3).CreateReader(new SourceReaderContext(0, 1, null));

        var e = await Assert.ThrowsAsync<BadRecordException>(async () => await reader.ReadBatchAsync([], 10, None));

        Assert.Contains($"Redis stream '{stream}' entry {bad}", e.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBatchAsync_WhenAnEntryIsMalformedWithAnErrorFile_WritesItThereAndGoesOn()
    {
        var stream = redis.Key("bad-to-file");
        await AddAsync(stream, 0, 2);
        var bad = (await redis.Database.StreamAddAsync(stream, "other", "x")).ToString();
        var ids = await AddAsync(stream, 2, 4);
        var errors = _dir.File("errors.txt");
        var source = new RedisStreamSource<long>(redis.ConnectionString, stream, ParseValue, BadRecordPolicy.WriteTo(errors)) { MaxEntries = 5 };

        var (records, position) = await ReadAllAsync(source, start: null, batch: 10);

        Assert.Equal([0L, 1L, 2L, 3L], records);
        Assert.Equal(PositionOf(ids[^1]), position);
        var error = Assert.Single(File.ReadAllLines(errors));
        Assert.StartsWith($"Redis stream '{stream}' entry {bad}: The entry has no field 'value'.", error, StringComparison.Ordinal);
        Assert.Contains("other=x", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeRecord_WhenABatchWasRead_NamesTheEntryId()
    {
        var stream = redis.Key("describe");
        var ids = await AddAsync(stream, 0, 3);
        using var reader = Source(stream, maxEntries: 3).CreateReader(new SourceReaderContext(0, 1, null));
        await reader.ReadBatchAsync([], 3, None);

        Assert.Equal($"Redis stream '{stream}' entry {ids[1]}", reader.DescribeRecord(1));
    }

    [Fact]
    public async Task ReadBatchAsync_WhenAnEntryIdDoesNotFitAPosition_FailsNamingIt()
    {
        var stream = redis.Key("huge-sequence");
        await redis.Database.StreamAddAsync(stream, "value", "1", messageId: "5-1048576");
        using var reader = Source(stream, maxEntries: 1).CreateReader(new SourceReaderContext(0, 1, null));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadBatchAsync([], 10, None));

        Assert.Contains("entry 5-1048576", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateReader_WhenParallel_FailsLoudly()
    {
        var source = Source(redis.Key("parallel"));

        Assert.Equal(1, source.MaxParallelism);
        Assert.Throws<InvalidOperationException>(() => source.CreateReader(new SourceReaderContext(0, 2, null)));
    }

    private RedisStreamSource<long> Source(string stream, string startAfter = "0-0", string? endId = null, long? maxEntries = null, TimeSpan? poll = null) =>
        new(redis.ConnectionString, stream, ParseValue)
        {
            StartAfter = startAfter,
            EndId = endId,
            MaxEntries = maxEntries,
            PollInterval = poll ?? TimeSpan.FromMilliseconds(50),
        };

    private static long ParseValue(RedisStreamEntry entry) => long.Parse(entry.Field("value"), System.Globalization.CultureInfo.InvariantCulture);

    private static long PositionOf(string id) => Sources.Redis.RedisStreamId.Parse(id).ToPosition("test");

    private async Task<string[]> AddAsync(string stream, int from, int to)
    {
        var ids = new List<string>();
        for (var i = from; i < to; i++)
        {
            ids.Add((await redis.Database.StreamAddAsync(stream, [new NameValueEntry("value", i), new NameValueEntry("note", "n" + i)])).ToString());
        }

        return [.. ids];
    }

    private static async Task<(List<long> Records, long Position)> ReadAllAsync(RedisStreamSource<long> source, long? start, int batch)
    {
        using var reader = source.CreateReader(new SourceReaderContext(0, 1, start));
        var output = new List<long>();
        var guard = 0;
        while (await reader.ReadBatchAsync(output, batch, None))
        {
            Assert.True(++guard < 1000, "The reader never reported the end of its input.");
        }

        return (output, reader.Position);
    }
}
