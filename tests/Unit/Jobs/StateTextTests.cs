using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

[Trait("Category", "Unit")]
public sealed class StateTextTests
{
    [Fact]
    public void Render_WritesScalarsInvariantlyAndCollectionsReadably()
    {
        Assert.Null(StateText.Render(null));
        Assert.Equal("1.5", StateText.Render(1.5));
        Assert.Equal("[1, 2, 3]", StateText.Render(new List<int> { 1, 2, 3 }));
        Assert.Equal("{a: [x], b: 2}", StateText.Render(new SortedDictionary<string, object> { ["a"] = new[] { "x" }, ["b"] = 2 }));
    }
}
