using OrleansFlow.Sinks;
using OrleansFlow.Sinks.Redis;

namespace OrleansFlow.Tests.Unit.Sinks;

[Trait("Category", "Unit")]
public sealed class RedisSinkKeysTests
{
    [Theory]
    [InlineData("out", "{out}")]
    [InlineData("results:words", "{results:words}")]
    [InlineData("user{42}:out", "user{42}:out")]
    [InlineData("a{}b", "{a{}b}")]
    public void HashTagged_KeepsTheTargetsHashSlot(string target, string expected) =>
        Assert.Equal(expected, RedisSinkKeys.HashTagged(target));

    [Fact]
    public void Keys_OfASubtask_ShareTheTargetsHashTagAndNameWriterAndCheckpoint()
    {
        var keys = new RedisSinkKeys(RedisSinkKeys.ScopeFor("out", new SinkContext("job", 4, "Sink", 2, 3)));

        Assert.Equal("{out}:orleansflow:job:4:2", keys.Scope);
        Assert.Equal("{out}:orleansflow:job:4:2:w1:open", keys.Open("w1"));
        Assert.Equal("{out}:orleansflow:job:4:2:w1:0000000000000000012", keys.Sealed("w1", 12));
        Assert.Equal("{out}:orleansflow:job:4:2:w1:9223372036854775807", keys.Sealed("w1", long.MaxValue));
        Assert.True(keys.BelongsTo(keys.Sealed("w1", 12), "w1"));
        Assert.False(keys.BelongsTo(keys.Sealed("w12", 12), "w1"));
    }
}
