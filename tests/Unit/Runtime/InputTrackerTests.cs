using OrleansFlow.Jobs;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

[Trait("Category", "Unit")]
public sealed class InputTrackerTests
{
    // Vertex 0: source, parallelism 2, forward into vertex 1 (parallelism 2).
    // Vertex 1 hashes into vertex 2 (parallelism 3); vertex 5 (parallelism 4) also rebalances into vertex 2.
    private static readonly JobPlan Plan = new(
        [
            new VertexPlan(0, "Source", 2, [0], IsSource: true, KeyedOperatorId: null),
            new VertexPlan(1, "Map", 2, [1], IsSource: false, KeyedOperatorId: null),
            new VertexPlan(2, "Sum", 3, [3], IsSource: false, KeyedOperatorId: 3),
            new VertexPlan(5, "Other", 4, [5], IsSource: true, KeyedOperatorId: null),
        ],
        [
            new EdgePlan(0, 1, PartitionKind.Forward, 0, 0),
            new EdgePlan(1, 2, PartitionKind.Hash, 0, 1),
            new EdgePlan(5, 2, PartitionKind.Rebalance, 0, 5),
        ],
        [],
        "fingerprint");

    [Fact]
    public void ChannelCount_WhenInputIsForward_IsOneChannelFromTheSameSubtask()
    {
        var tracker = new InputTracker(Plan, vertexId: 1, subtask: 1);

        Assert.Equal(1, tracker.ChannelCount);
        tracker.Accept(Batch(0, 1, 0));
        Assert.Throws<InvalidOperationException>(() => tracker.Accept(Batch(0, 0, 0)));
    }

    [Fact]
    public void ChannelCount_WhenInputsAreHashAndRebalance_CountsEverySenderSubtask()
    {
        var tracker = new InputTracker(Plan, vertexId: 2, subtask: 0);

        Assert.Equal(2 + 4, tracker.ChannelCount);
    }

    [Fact]
    public void ChannelCount_WhenVertexIsASource_IsZeroAndAllEnded()
    {
        var tracker = new InputTracker(Plan, vertexId: 0, subtask: 0);

        Assert.Equal(0, tracker.ChannelCount);
        Assert.True(tracker.AllEnded);
    }

    [Fact]
    public void Accept_WhenSequenceNumbersAreConsecutive_AcceptsEveryBatch()
    {
        var tracker = new InputTracker(Plan, 2, 1);

        for (var sequence = 0; sequence < 5; sequence++)
        {
            tracker.Accept(Batch(1, 0, sequence));
            tracker.Accept(Batch(5, 3, sequence));
        }
    }

    [Fact]
    public void Accept_WhenASequenceNumberIsSkipped_ThrowsSayingRecordsWereLost()
    {
        var tracker = new InputTracker(Plan, 2, 0);
        tracker.Accept(Batch(1, 1, 0));

        var error = Assert.Throws<ChannelBatchesLostException>(() => tracker.Accept(Batch(1, 1, 2)));

        Assert.Contains("lost", error.Message, StringComparison.Ordinal);
        Assert.Contains("vertex 1 subtask 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("batch 2 where 1 was expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_WhenABatchIsRepeated_Throws()
    {
        // The inbox drops a batch delivered twice before it gets here; one that still arrives is a bug.
        var tracker = new InputTracker(Plan, 2, 0);
        tracker.Accept(Batch(1, 0, 0));

        Assert.Throws<ChannelBatchesLostException>(() => tracker.Accept(Batch(1, 0, 0)));
    }

    [Fact]
    public void Accept_WhenSenderIsNotAnInput_ThrowsNamingIt()
    {
        var tracker = new InputTracker(Plan, 2, 0);

        var error = Assert.Throws<InvalidOperationException>(() => tracker.Accept(Batch(0, 0, 0)));

        Assert.Contains("not an input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_WhenDataFollowsEndOfInput_Throws()
    {
        var tracker = new InputTracker(Plan, 1, 0);
        tracker.Accept(Batch(0, 0, 0));
        tracker.End(0, 0);

        var error = Assert.Throws<InvalidOperationException>(() => tracker.Accept(Batch(0, 0, 1)));

        Assert.Contains("after its end of input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void End_WhenEveryChannelEnds_ReportsTrueOnlyForTheLast()
    {
        var tracker = new InputTracker(Plan, 2, 2);
        var channels = new[] { (1, 0), (1, 1), (5, 0), (5, 1), (5, 2), (5, 3) };

        foreach (var (vertex, subtask) in channels[..^1])
        {
            Assert.False(tracker.End(vertex, subtask));
            Assert.False(tracker.AllEnded);
        }

        Assert.True(tracker.End(5, 3));
        Assert.True(tracker.AllEnded);
    }

    [Fact]
    public void End_WhenAChannelEndsTwice_CountsItOnce()
    {
        var tracker = new InputTracker(Plan, 2, 0);
        var channels = new[] { (1, 0), (1, 1), (5, 0), (5, 1), (5, 2) };
        foreach (var (vertex, subtask) in channels)
        {
            tracker.End(vertex, subtask);
        }

        Assert.False(tracker.End(1, 0));
        Assert.False(tracker.AllEnded);
        Assert.True(tracker.End(5, 3));
        Assert.False(tracker.End(5, 3));
        Assert.True(tracker.AllEnded);
    }

    private static ChannelBatch Batch(int senderVertex, int senderSubtask, long sequence) =>
        new() { SenderVertex = senderVertex, SenderSubtask = senderSubtask, Sequence = sequence, Records = new[] { 1 } };
}
