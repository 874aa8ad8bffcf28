using OrleansFlow.Execution;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class SortedTimesTests
{
    [Fact]
    public void Add_WhenTimesArriveOutOfOrder_KeepsThemSortedWithoutDuplicates()
    {
        var times = new SortedTimes();

        Assert.True(times.Add(30));
        Assert.True(times.Add(-5));
        Assert.True(times.Add(10));
        Assert.False(times.Add(30));
        Assert.True(times.Add(long.MaxValue));
        Assert.True(times.Add(20));

        Assert.Equal(5, times.Count);
        Assert.Equal(-5, times.Min);
        Assert.Equal([-5L, 10, 20, 30, long.MaxValue], times.ToArray());
    }

    [Fact]
    public void Remove_WhenPresentOrAbsent_RemovesOnlyThatTimeAndSaysSo()
    {
        var times = new SortedTimes();
        times.Reset([7, 3, 9, 3, 1]);

        Assert.False(times.Remove(4));
        Assert.True(times.Remove(3));
        Assert.False(times.Remove(3));
        Assert.True(times.Remove(1));

        Assert.Equal([7L, 9], times.ToArray());
        Assert.Equal(7, times.Min);
    }

    [Fact]
    public void AddAndRemove_WhenManyTimes_MatchASortedSet()
    {
        var times = new SortedTimes();
        var model = new SortedSet<long>();
        var random = new Random(42);
        for (var i = 0; i < 5000; i++)
        {
            var time = random.Next(0, 64);
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(time), times.Remove(time));
            }
            else
            {
                Assert.Equal(model.Add(time), times.Add(time));
            }
        }

        Assert.Equal(model.ToArray(), times.ToArray());
    }
}
