using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Execution;
using OrleansFlow.State;
using OrleansFlow.Windowing;

namespace OrleansFlow.Tests.Unit.State;

/// <summary>
/// A key's checkpoint image goes through the Orleans serializer (per-key grains snapshot it for storage), so
/// everything a window operator keeps in it must serialize: a regression for the missing base codec of
/// <see cref="Window"/> and the codec of <see cref="ReduceAccumulator{T}"/>, which failed every checkpoint of a
/// windowed job.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyStateImageSerializationTests
{
    [Fact]
    public void SerializeToArray_WhenTheImageHoldsTimeWindowPanes_RoundTrips()
    {
        var window = new TimeWindow(10_000, 20_000);
        var panes = new WindowPanes<TimeWindow, long>();
        panes.Pane(window).Accumulator = 42;
        panes.EventTimers.Add(window.MaxTimestamp, [window]);

        var copy = RoundTrip(Image("window-contents", panes));

        var restored = Assert.IsType<WindowPanes<TimeWindow, long>>(Value(copy, "window-contents"));
        Assert.Equal(42, restored.Panes[window].Accumulator);
        Assert.Equal([window], restored.EventTimers[window.MaxTimestamp]);
    }

    [Fact]
    public void SerializeToArray_WhenTheImageHoldsGlobalWindowPanes_RoundTrips()
    {
        var panes = new WindowPanes<GlobalWindow, long>();
        panes.Pane(GlobalWindow.Instance).Accumulator = 7;

        var copy = RoundTrip(Image("window-contents", panes));

        var restored = Assert.IsType<WindowPanes<GlobalWindow, long>>(Value(copy, "window-contents"));
        Assert.Equal(7, restored.Panes[GlobalWindow.Instance].Accumulator);
    }

    [Fact]
    public void SerializeToArray_WhenPanesHoldReduceAccumulators_RoundTrips()
    {
        var window = new TimeWindow(0, 10_000);
        var panes = new WindowPanes<TimeWindow, ReduceAccumulator<(string Key, long Value)>>();
        panes.Pane(window).Accumulator = new ReduceAccumulator<(string Key, long Value)> { HasValue = true, Value = ("w1", 5) };

        var copy = RoundTrip(Image("window-contents", panes));

        var restored = Assert.IsType<WindowPanes<TimeWindow, ReduceAccumulator<(string Key, long Value)>>>(Value(copy, "window-contents"));
        Assert.True(restored.Panes[window].Accumulator.HasValue);
        Assert.Equal(("w1", 5L), restored.Panes[window].Accumulator.Value);
    }

    private static KeyStateImage Image(string name, object value) => new() { Names = [name], Values = [value] };

    private static object Value(KeyStateImage image, string name) => image.Values[Array.IndexOf(image.Names, name)];

    private static KeyStateImage RoundTrip(KeyStateImage image)
    {
        using var services = new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(KeyStateImage).Assembly))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<KeyStateImage>(serializer.SerializeToArray(image)) ?? throw new InvalidOperationException("The image deserialized to null.");
    }
}
