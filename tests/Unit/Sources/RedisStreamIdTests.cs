using OrleansFlow.Sources.Redis;

namespace OrleansFlow.Tests.Unit.Sources;

[Trait("Category", "Unit")]
public sealed class RedisStreamIdTests
{
    [Theory]
    [InlineData("0-0", 0L)]
    [InlineData("0-1", 1L)]
    [InlineData("1-0", 1L << 20)]
    [InlineData("1700000000000-5", (1700000000000L << 20) | 5)]
    [InlineData("8796093022207-1048575", long.MaxValue)]
    public void ToPosition_WhenTheIdFits_IsMillisecondsShiftedBy20OrSequence(string id, long position)
    {
        var parsed = RedisStreamId.Parse(id);

        Assert.Equal(position, parsed.ToPosition("s"));
        Assert.Equal(parsed, RedisStreamId.FromPosition(position));
        Assert.Equal(id, RedisStreamId.FromPosition(position).ToString());
    }

    [Theory]
    [InlineData("5-1048576")]
    [InlineData("8796093022208-0")]
    public void ToPosition_WhenTheIdDoesNotFit_FailsNamingTheStreamAndEntry(string id)
    {
        var e = Assert.Throws<InvalidOperationException>(() => RedisStreamId.Parse(id).ToPosition("events"));

        Assert.Contains($"'events' entry {id}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("a-1")]
    [InlineData("1-2-3")]
    [InlineData("$")]
    public void Parse_WhenNotAnEntryId_Fails(string text) =>
        Assert.Throws<FormatException>(() => RedisStreamId.Parse(text));

    [Fact]
    public void CompareTo_OrdersByMillisecondsThenSequence()
    {
        Assert.True(RedisStreamId.Parse("1-9") < RedisStreamId.Parse("2-0"));
        Assert.True(RedisStreamId.Parse("2-1") > RedisStreamId.Parse("2-0"));
        Assert.Equal(RedisStreamId.Parse("3-0"), RedisStreamId.Parse("2-" + long.MaxValue).Next());
    }
}
