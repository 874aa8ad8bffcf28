using OrleansFlow.Execution;
using OrleansFlow.Keyed;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class KeyedOutputBuilderTests
{
    [Fact]
    public void Build_WhenTheNextCallOnTheThreadReusesTheBuffer_LeavesTheEarlierOutputUntouched()
    {
        var first = new KeyedOutputBuilder<string>();
        first.Collect("a");
        first.Timestamp = 7;
        first.Collect("b");
        var firstOutput = first.Build(null);

        var second = new KeyedOutputBuilder<string>();
        second.Timestamp = 9;
        for (var i = 0; i < 100; i++)
        {
            second.Collect($"x{i}"); // more than the spare buffer holds: it grows
        }

        var secondOutput = second.Build(null);

        Assert.Equal(["a", "b"], (string[])firstOutput.Records!);
        Assert.Equal([long.MinValue, 7], firstOutput.Timestamps!);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"x{i}"), (string[])secondOutput.Records!);
        Assert.All(secondOutput.Timestamps!, t => Assert.Equal(9, t));
    }

    [Fact]
    public void Build_WhenNoRecordHadATimestamp_HasNoTimestamps()
    {
        var builder = new KeyedOutputBuilder<int>();
        builder.Collect(1);

        var output = builder.Build(null);

        Assert.Equal([1], (int[])output.Records!);
        Assert.Null(output.Timestamps);
    }

    [Fact]
    public void Build_WhenOneOutputPerInputIsExpected_HandsOverTheArrayItFilled()
    {
        var builder = new KeyedOutputBuilder<int>(expectedRecords: 3);
        builder.Collect(1);
        builder.Collect(2);
        builder.Collect(3);

        var output = builder.Build(null);

        Assert.Equal([1, 2, 3], (int[])output.Records!);
    }

    [Fact]
    public void Build_WhenNothingWasEmitted_IsEmpty()
    {
        Assert.Same(KeyedOutput.Empty, new KeyedOutputBuilder<int>().Build(null));
    }
}
