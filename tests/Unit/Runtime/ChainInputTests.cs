using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The chain's input side, as Flink's StreamTaskNetworkOutput with its StatusWatermarkValve: records go to the pusher
/// of their input; the operator sees the minimum watermark over its active channels, only when it increases; it is
/// idle only while every channel is idle; an ended channel no longer holds the watermark back.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ChainInputTests
{
    private static readonly (int Vertex, int Subtask) A = (0, 0);
    private static readonly (int Vertex, int Subtask) B = (0, 1);
    private static readonly JobPlan Plan = new([new VertexPlan(0, "source", 2, [0], true, null)], [], [], "test");
    private readonly RecordingHead _head = new();

    [Fact]
    public void OnRecords_GoToThePusherOfTheirInput()
    {
        var first = new RecordingPusher();
        var second = new RecordingPusher();
        var input = new ChainInput([A, B], keyed: null, new Dictionary<int, IBatchPusher> { [0] = first, [1] = second }, _head, Plan);

        input.OnRecords(new ChannelBatch { SenderVertex = 0, SenderSubtask = 1, InputIndex = 1, Records = new int[4] }, 1, 3);

        Assert.Empty(first.Pushed);
        Assert.Equal([(1, 3)], second.Pushed);
    }

    [Fact]
    public void OnWatermark_ForwardsTheMinimumOverTheChannelsOnlyWhenItIncreases()
    {
        var input = Create();

        input.OnWatermark(A, 10);
        input.OnWatermark(B, 5);
        input.OnWatermark(B, 4);
        input.OnWatermark(B, 20);

        Assert.Equal(["watermark 5", "watermark 10"], _head.Events);
        Assert.Equal(10, input.Watermark);
    }

    [Fact]
    public void OnWatermarkStatus_MakesTheOperatorIdleOnlyWhileEveryChannelIsIdle()
    {
        var input = Create();
        input.OnWatermark(A, 10);
        input.OnWatermark(B, 5);

        input.OnWatermarkStatus(B, idle: true);
        input.OnWatermarkStatus(A, idle: true);
        input.OnWatermarkStatus(A, idle: false);

        Assert.Equal(["watermark 5", "watermark 10", "idle", "active"], _head.Events);
    }

    [Fact]
    public void OnChannelEnded_TheEndedChannelNoLongerHoldsTheWatermarkBack()
    {
        var input = Create();
        input.OnWatermark(A, 10);

        input.OnChannelEnded(B);

        Assert.Equal(["watermark 10"], _head.Events);
    }

    private ChainInput Create() => new([A, B], keyed: null, new Dictionary<int, IBatchPusher>(), _head, Plan);

    private sealed class RecordingHead : IChainElement
    {
        public List<string> Events { get; } = [];

        public void OnWatermark(long watermark) => Events.Add($"watermark {watermark}");

        public void OnIdleChanged(bool idle) => Events.Add(idle ? "idle" : "active");
    }

    private sealed class RecordingPusher : IBatchPusher
    {
        public List<(int Start, int End)> Pushed { get; } = [];

        public void Push(object records, long[]? timestamps, int start, int end, Func<int, string> describe) => Pushed.Add((start, end));
    }
}
