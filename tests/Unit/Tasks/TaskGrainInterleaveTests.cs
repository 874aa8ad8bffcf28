using Orleans.Streams;
using OrleansFlow.Tasks;

namespace OrleansFlow.Tests.Unit.Tasks;

[Trait("Category", "Unit")]
public sealed class TaskGrainInterleaveTests
{
    [Fact]
    public void StreamConsumerExtension_NamesTheInterfaceOrleansDeliversStreamBatchesThrough()
    {
        // TaskGrain lets stream deliveries interleave by this name; were Orleans to rename the interface,
        // deliveries would queue behind other calls again (still lossless, but through the repair path).
        var type = typeof(IAsyncStream<>).Assembly.GetType(TaskGrain.StreamConsumerExtension);

        Assert.NotNull(type);
        Assert.True(type.IsInterface);
        Assert.Contains(type.GetMethods(), m => m.Name == "DeliverBatch");
    }
}
