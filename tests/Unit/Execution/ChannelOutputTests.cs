using OrleansFlow.Execution;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Execution;

[Trait("Category", "Unit")]
public sealed class ChannelOutputTests
{
    [Fact]
    public void Collect_WhenForward_BuffersEverythingForTheSendersOwnSubtask()
    {
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Forward, TargetParallelism: 3, MaxParallelism: 128, Subtask: 2, Router: null));

        for (var i = 0; i < 10; i++)
        {
            output.Collect(i);
        }

        Assert.Equal(0, output.Buffered(0));
        Assert.Equal(0, output.Buffered(1));
        Assert.Equal(10, output.Buffered(2));
        Assert.Equal(Enumerable.Range(0, 10), (int[])Assert.Single(output.Drain(2, 100)).Records!);
    }

    [Fact]
    public void Collect_WhenHash_SendsAllRecordsOfAKeyToTheSameTarget()
    {
        var router = new KeyRouter<(string Key, int Seq), string>(r => r.Key);
        var output = new ChannelOutput<(string Key, int Seq)>(new ChannelOutputSpec(PartitionKind.Hash, 4, 128, Subtask: 0, router));
        var keys = Enumerable.Range(0, 50).Select(i => $"key{i}").ToArray();

        for (var round = 0; round < 5; round++)
        {
            foreach (var key in keys)
            {
                output.Collect((key, round));
            }
        }

        var targetsByKey = Enumerable.Range(0, 4)
            .SelectMany(t => ((ValueTuple<string, int>[])Assert.Single(output.Drain(t, 1000)).Records!).Select(r => (Target: t, Record: r)))
            .GroupBy(x => x.Record.Item1)
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(keys.Length, targetsByKey.Count);
        foreach (var (key, records) in targetsByKey)
        {
            Assert.Single(records.Select(r => r.Target).Distinct());
            Assert.Equal(router.Route((key, 0), 4, 128), records[0].Target);
            Assert.Equal([0, 1, 2, 3, 4], records.Select(r => r.Record.Item2));
        }

        Assert.True(targetsByKey.Values.Select(r => r[0].Target).Distinct().Count() > 1, "50 keys should not all land on one subtask.");
    }

    [Fact]
    public void Constructor_WhenHashWithoutRouter_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Hash, 2, 128, 0, Router: null)));
    }

    [Fact]
    public void Collect_WhenRebalance_RoundRobinsOverAllTargets()
    {
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Rebalance, TargetParallelism: 3, MaxParallelism: 128, Subtask: 0, Router: null));

        for (var i = 0; i < 9; i++)
        {
            output.Collect(i);
        }

        Assert.Equal([0, 3, 6], (int[])Assert.Single(output.Drain(0, 100)).Records!);
        Assert.Equal([1, 4, 7], (int[])Assert.Single(output.Drain(1, 100)).Records!);
        Assert.Equal([2, 5, 8], (int[])Assert.Single(output.Drain(2, 100)).Records!);
    }

    [Fact]
    public void Collect_WhenRebalanceFromAnotherSubtask_StillVisitsEveryTargetInTurn()
    {
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Rebalance, TargetParallelism: 2, MaxParallelism: 128, Subtask: 5, Router: null));

        for (var i = 0; i < 7; i++)
        {
            output.Collect(i);
        }

        // Round-robin: the counts differ by at most one, and consecutive records alternate targets.
        Assert.InRange(Math.Abs(output.Buffered(0) - output.Buffered(1)), 0, 1);
        var first = (int[])output.Drain(0, 100)[0].Records!;
        var second = (int[])output.Drain(1, 100)[0].Records!;
        var alternating = first.Contains(0) ? first : second;
        Assert.Equal([0, 2, 4, 6], alternating);
    }

    [Fact]
    public void Drain_WhenMoreThanMaxBatchBuffered_SplitsIntoOrderedBatchesAndEmptiesTheBuffer()
    {
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Forward, 1, 128, 0, null));
        for (var i = 0; i < 10; i++)
        {
            output.Collect(i);
        }

        var batches = output.Drain(0, maxBatch: 4).Select(b => (int[])b.Records!).ToList();

        Assert.Equal([4, 4, 2], batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b));
        Assert.Equal(0, output.Buffered(0));
        Assert.Empty(output.Drain(0, 4));
    }

    [Fact]
    public void Drain_WhenExactlyMaxBatchBuffered_ReturnsOneBatch()
    {
        var output = new ChannelOutput<string>(new ChannelOutputSpec(PartitionKind.Forward, 1, 128, 0, null));
        output.Collect("a");
        output.Collect("b");

        var batch = (string[])Assert.Single(output.Drain(0, 2)).Records!;

        Assert.Equal(["a", "b"], batch);
        Assert.Equal(0, output.Buffered(0));
    }

    [Fact]
    public void Drain_WhenCalledAfterMoreRecords_ReturnsOnlyTheNewOnes()
    {
        var output = new ChannelOutput<int>(new ChannelOutputSpec(PartitionKind.Forward, 1, 128, 0, null));
        output.Collect(1);
        var first = (int[])Assert.Single(output.Drain(0, 10)).Records!;
        output.Collect(2);

        var second = (int[])Assert.Single(output.Drain(0, 10)).Records!;

        Assert.Equal([1], first);
        Assert.Equal([2], second);
    }
}
