using Orleans.Streams;
using OrleansFlow.Operators;

namespace OrleansFlow.Tests.Unit.Operators;

[Trait("Category", "Unit")]
public sealed class OperatorGrainInterleaveTests
{
    [Fact]
    public void StreamConsumerExtension_NamesTheInterfaceOrleansDeliversStreamBatchesThrough()
    {
        // OperatorGrain lets stream deliveries interleave by this name; were Orleans to rename the interface,
        // deliveries would queue behind other calls again (still lossless, but through the repair path).
        var type = typeof(IAsyncStream<>).Assembly.GetType(OperatorGrain.StreamConsumerExtension);

        Assert.NotNull(type);
        Assert.True(type.IsInterface);
        Assert.Contains(type.GetMethods(), m => m.Name == "DeliverBatch");
    }
}
