using OrleansFlow.Checkpointing;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>
/// The input gate against Flink's documented barrier rules. Aligned (exactly-once): once barrier n arrived on a
/// channel, nothing more of that channel is processed until barrier n arrived on every other input; then the task
/// snapshots, and resumes with the input it buffered, in order. Unaligned is not offered; at-least-once
/// (CheckpointBarrierTracker) blocks nothing and snapshots when the last barrier arrives. A newer barrier during
/// alignment subsumes the older checkpoint; a channel's end of input counts as its barrier. Markers take effect
/// between the records around them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CheckpointedInputGateTests
{
    private static readonly (int Vertex, int Subtask) A = (0, 0);
    private static readonly (int Vertex, int Subtask) B = (0, 1);
    private static readonly (int Vertex, int Subtask) C = (1, 0);
    private readonly GateRecorder _recorder = new();

    [Fact]
    public async Task OnBatchAsync_ExactlyOnce_HoldsInputBehindAnEarlyBarrierUntilItArrivedOnEveryChannel()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A, B);

        await gate.OnBatchAsync(Batch(A, 0, records: 3, Barrier(2, 1)), default);
        await gate.OnBatchAsync(Batch(A, 1, records: 2), default);

        Assert.Equal(["A records 0..2"], _recorder.Events);
        Assert.True(gate.IsBlocked(A));
        Assert.Equal(2, gate.HeldBatches);

        await gate.OnBatchAsync(Batch(B, 0, records: 2, Barrier(1, 1)), default);

        var events = _recorder.Events;
        var snapshot = events.IndexOf("snapshot 1");
        Assert.True(snapshot > events.IndexOf("B records 0..1"), "the records before the barrier are processed before the snapshot");
        Assert.True(snapshot < events.IndexOf("B records 1..2"), "no record after the barrier before the snapshot");
        Assert.Equal(
            ["A records 0..2", "A records 2..3", "A#0 done", "A records 0..2", "A#1 done"],
            events.Where(e => e.StartsWith('A')));
        Assert.True(snapshot < events.IndexOf("A records 2..3"), "held input is processed after the snapshot");
        Assert.False(gate.IsBlocked(A));
        Assert.Equal(0, gate.HeldBatches);
    }

    [Fact]
    public async Task OnBatchAsync_AtLeastOnce_BlocksNothingAndSnapshotsWhenTheLastBarrierArrives()
    {
        var gate = Create(CheckpointingMode.AtLeastOnce, A, B);

        await gate.OnBatchAsync(Batch(A, 0, records: 3, Barrier(2, 1)), default);

        Assert.Equal(["A records 0..2", "A records 2..3", "A#0 done"], _recorder.Events);
        Assert.Equal(0, gate.HeldBatches);

        await gate.OnBatchAsync(Batch(B, 0, records: 1, Barrier(0, 1)), default);

        Assert.Equal(["snapshot 1", "B records 0..1", "B#0 done"], _recorder.Events.Skip(3));
    }

    [Fact]
    public async Task OnBatchAsync_WhenANewerBarrierArrivesDuringAlignment_AbortsTheOlderCheckpointAsSubsumed()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A, B);
        await gate.OnBatchAsync(Batch(A, 0, records: 1, Barrier(0, 1)), default);

        await gate.OnBatchAsync(Batch(B, 0, records: 1, Barrier(0, 2)), default);

        Assert.Equal(["abort 1 Subsumed", "A records 0..1", "A#0 done"], _recorder.Events);
        Assert.True(gate.IsBlocked(B), "checkpoint 2 now aligns: B delivered its barrier");

        await gate.OnBatchAsync(Batch(A, 1, records: 0, Barrier(0, 2)), default);

        Assert.Equal(["snapshot 2", "A#1 done", "B records 0..1", "B#0 done"], _recorder.Events.Skip(3));
        Assert.DoesNotContain("snapshot 1", _recorder.Events);
    }

    [Fact]
    public async Task OnBatchAsync_WhenAChannelEndsDuringAlignment_ItsEndCountsAsItsBarrier()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A, B);
        await gate.OnBatchAsync(Batch(A, 0, records: 1, Barrier(0, 1)), default);

        await gate.OnBatchAsync(Batch(B, 0, records: 1, End(1)), default);

        Assert.Equal(["B records 0..1", "B ended", "snapshot 1", "B#0 done (no credit)", "A records 0..1", "A#0 done"], _recorder.Events);
        Assert.False(gate.AllEnded);

        await gate.OnBatchAsync(Batch(A, 1, records: 0, End(0)), default);

        Assert.Equal(["A ended", "A#1 done (no credit) all ended"], _recorder.Events.Skip(6));
        Assert.True(gate.AllEnded);
    }

    [Fact]
    public async Task OnBatchAsync_WithoutCheckpointing_IgnoresBarriersAndHoldsNothing()
    {
        var gate = Create(alignment: null, A, B);

        await gate.OnBatchAsync(Batch(A, 0, records: 2, Barrier(1, 1)), default);
        await gate.OnBatchAsync(Batch(A, 1, records: 1), default);

        Assert.Equal(["A records 0..1", "A records 1..2", "A#0 done", "A records 0..1", "A#1 done"], _recorder.Events);
        Assert.Equal(0, gate.HeldBatches);
    }

    [Fact]
    public async Task OnBatchAsync_WithWatermarkAndIdlenessMarkers_HandsThemOverBetweenTheRecordsAroundThem()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A);

        await gate.OnBatchAsync(Batch(A, 0, records: 4, new ChannelMarker(2, MarkerKind.Watermark, 10), new ChannelMarker(4, MarkerKind.WatermarkStatus, 1)), default);

        Assert.Equal(["A records 0..2", "A watermark 10", "A records 2..4", "A idle", "A#0 done"], _recorder.Events);
    }

    [Fact]
    public async Task OnBatchAsync_WithTwoLogicalInputs_AlignsBarriersAcrossBoth()
    {
        var gate = new CheckpointedInputGate(new Dictionary<(int, int), int> { [A] = 0, [C] = 1 }, CheckpointingMode.ExactlyOnce, TimeProvider.System, _recorder, _recorder);

        Assert.Equal([0, 1], gate.Inputs);
        Assert.Equal(1, gate.InputOf(C));
        Assert.Equal([A], gate.ChannelsOf(0));

        await gate.OnBatchAsync(Batch(A, 0, records: 1, Barrier(0, 1)), default);
        Assert.True(gate.IsBlocked(A));

        await gate.OnBatchAsync(Batch(C, 0, records: 0, Barrier(0, 1)), default);
        Assert.Equal(["snapshot 1", "C#0 done", "A records 0..1", "A#0 done"], _recorder.Events);
    }

    [Fact]
    public async Task OnBatchAsync_WhenABatchOfTheChannelIsMissing_Throws()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A, B);

        await Assert.ThrowsAsync<ChannelBatchesLostException>(() => gate.OnBatchAsync(Batch(A, 1, records: 1), default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.OnBatchAsync(Batch(C, 0, records: 1), default));
        Assert.Empty(_recorder.Events);
    }

    [Fact]
    public async Task OnBatchAsync_OnceCancelled_KeepsReleasedInputHeld()
    {
        var gate = Create(CheckpointingMode.ExactlyOnce, A, B);
        await gate.OnBatchAsync(Batch(A, 0, records: 1, Barrier(0, 1)), default);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await gate.OnBatchAsync(Batch(B, 0, records: 0, Barrier(0, 1)), cancelled.Token);

        Assert.Equal(["snapshot 1", "B#0 done"], _recorder.Events);
        Assert.Equal(1, gate.HeldBatches);
    }

    private CheckpointedInputGate Create(CheckpointingMode? alignment, params (int Vertex, int Subtask)[] channels) =>
        new(channels.ToDictionary(c => c, _ => 0), alignment, TimeProvider.System, _recorder, _recorder);

    private static ChannelMarker Barrier(int position, long checkpointId) => new(position, MarkerKind.CheckpointBarrier, checkpointId);

    private static ChannelMarker End(int position) => new(position, MarkerKind.EndOfInput, 0);

    private static ChannelBatch Batch((int Vertex, int Subtask) channel, long sequence, int records, params ChannelMarker[] markers) => new()
    {
        SenderVertex = channel.Vertex,
        SenderSubtask = channel.Subtask,
        InputIndex = channel == C ? 1 : 0,
        Sequence = sequence,
        Records = new int[records],
        Markers = markers.Length == 0 ? null : markers,
    };

    /// <summary>Records what the gate hands over, one line per event.</summary>
    private sealed class GateRecorder : IInputGateOutput, IInputGateListener
    {
        public List<string> Events { get; } = [];

        public void OnRecords(ChannelBatch batch, int start, int end) => Events.Add($"{Name((batch.SenderVertex, batch.SenderSubtask))} records {start}..{end}");

        public void OnWatermark((int Vertex, int Subtask) channel, long watermark) => Events.Add($"{Name(channel)} watermark {watermark}");

        public void OnWatermarkStatus((int Vertex, int Subtask) channel, bool idle) => Events.Add($"{Name(channel)} {(idle ? "idle" : "active")}");

        public void OnChannelEnded((int Vertex, int Subtask) channel) => Events.Add($"{Name(channel)} ended");

        public void OnCheckpointAborted(AbortedCheckpoint aborted) => Events.Add($"abort {aborted.CheckpointId} {aborted.Reason}");

        public Task OnAlignedAsync(long checkpointId)
        {
            Events.Add($"snapshot {checkpointId}");
            return Task.CompletedTask;
        }

        public Task OnBatchProcessedAsync(ChannelBatch batch, bool endsChannel, bool endedAll)
        {
            Events.Add($"{Name((batch.SenderVertex, batch.SenderSubtask))}#{batch.Sequence} done{(endsChannel ? " (no credit)" : "")}{(endedAll ? " all ended" : "")}");
            return Task.CompletedTask;
        }

        private static string Name((int Vertex, int Subtask) channel) => channel == A ? "A" : channel == B ? "B" : "C";
    }
}
