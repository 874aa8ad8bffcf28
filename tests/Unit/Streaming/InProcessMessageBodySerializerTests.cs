using Orleans.Providers;
using OrleansFlow.Messages;
using OrleansFlow.Streaming;

namespace OrleansFlow.Tests.Unit.Streaming;

[Trait("Category", "Unit")]
public sealed class InProcessMessageBodySerializerTests
{
    [Fact]
    public void Deserialize_AfterSerialize_ReturnsTheSameBatchObjectFromAnEightByteHandle()
    {
        var serializer = new InProcessMessageBodySerializer();
        var batch = new ChannelBatch { Sequence = 7, Records = new[] { 1, 2, 3 } };

        var bytes = serializer.Serialize(new MemoryMessageBody([batch], null));
        var body = serializer.Deserialize(bytes);

        Assert.Equal(8, bytes.Count);
        Assert.Same(batch, Assert.Single(body.Events));
        Assert.Same(body, serializer.Deserialize(bytes)); // a redelivery before release sees the same body
    }

    [Fact]
    public void Deserialize_AfterTheConsumerReleasedTheBatch_IsABodyWithoutEvents()
    {
        // A redelivery after the consumer processed the batch: it has the batch already, and a sender keeps every
        // batch until it was processed, so an empty body loses nothing (a gap it leaves is fetched from the sender).
        var serializer = new InProcessMessageBodySerializer();
        var batch = new ChannelBatch { Sequence = 1 };
        var bytes = serializer.Serialize(new MemoryMessageBody([batch], null));

        InProcessMessageBodySerializer.Release(batch);

        var body = serializer.Deserialize(bytes);
        Assert.Empty(body.Events);
        Assert.Null(body.RequestContext);
    }

    [Fact]
    public void Release_OfABatchThatNeverWentThroughIt_DoesNothing()
    {
        InProcessMessageBodySerializer.Release(new ChannelBatch());
    }
}
