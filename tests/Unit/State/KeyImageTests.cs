using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Execution;
using OrleansFlow.Keyed;
using OrleansFlow.State;
using OrleansFlow.Windowing;

namespace OrleansFlow.Tests.Unit.State;

/// <summary>A key image carries a key's states and timers; its timers can be read without deserializing the states.</summary>
[Trait("Category", "Unit")]
public sealed class KeyImageTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(KeyStateImage).Assembly))
        .BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Read_OfAWrittenImage_GivesBackEveryStateTheTimersAndTheTimersWatermark()
    {
        var store = new KeyedStateStore();
        var panes = new WindowPanes<TimeWindow, long>();
        panes.Pane(new TimeWindow(0, 10_000)).Accumulator = 42;
        store.Set("windows", panes);
        store.Set("count", new ValueHolder<long>(7));
        var timers = new KeyTimers { Watermark = 1_234 };
        timers.Register(9_999, TimeDomain.EventTime);
        timers.Register(5_000, TimeDomain.EventTime);
        timers.Register(77, TimeDomain.ProcessingTime);

        var image = KeyImage.Write(Serializer, store, timers);
        var readTimers = new KeyTimers();
        var read = KeyImage.Read(Serializer, image, readTimers);

        Assert.Equal(42, ((WindowPanes<TimeWindow, long>)read.Get("windows")!).Panes[new TimeWindow(0, 10_000)].Accumulator);
        Assert.Equal(7, ((ValueHolder<long>)read.Get("count")!).Value);
        Assert.Equal([5_000L, 9_999L], readTimers.Times(TimeDomain.EventTime));
        Assert.Equal([77L], readTimers.Times(TimeDomain.ProcessingTime));
        Assert.Equal(1_234, readTimers.Watermark);
        var (eventTimers, processingTimers) = KeyImage.Timers(image);
        Assert.Equal([5_000L, 9_999L], eventTimers);
        Assert.Equal([77L], processingTimers);
    }

    [Fact]
    public void Write_OfAKeyWithNeitherStateNorTimers_IsTheEmptyImage()
    {
        var image = KeyImage.Write(Serializer, new KeyedStateStore(), new KeyTimers());

        Assert.Same(KeyImage.Empty, image);
        Assert.True(KeyImage.Read(Serializer, image, new KeyTimers()).IsEmpty);
        Assert.Empty(KeyImage.Timers(image).EventTimers);
    }

    [Fact]
    public void Timers_OfATruncatedImage_FailsNamingTheCorruption()
    {
        var timers = new KeyTimers();
        timers.Register(1, TimeDomain.EventTime);
        var image = KeyImage.Write(Serializer, new KeyedStateStore(), timers);

        Assert.Throws<InvalidDataException>(() => KeyImage.Timers(image[..15]));
    }
}
