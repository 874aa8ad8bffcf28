using OrleansFlow.Checkpointing;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// A subtask's input side, after Flink's CheckpointedInputGate: it checks each channel's batches arrive in sequence
/// (<see cref="InputTracker"/>), walks a batch's records and markers in order, aligns checkpoint barriers
/// (<see cref="BarrierAligner"/>) and holds the input of blocked channels until alignment releases them. It hands
/// the data to an <see cref="IInputGateOutput"/> and alignment's decisions to an <see cref="IInputGateListener"/>: records and markers of one channel in their order, a barrier never
/// before the records sent ahead of it, and, in exactly-once mode, no record behind a barrier before the checkpoint's
/// snapshot (at-least-once blocks nothing).
/// <para>
/// Channels belong to logical inputs (<see cref="InputOf"/>): one gate spans every input of its task, so barriers align
/// across all of them, as Flink's barrier handler does for a two-input task.
/// </para>
/// </summary>
internal sealed class CheckpointedInputGate
{
    private readonly IReadOnlyDictionary<(int Vertex, int Subtask), int> _inputs;
    private readonly InputTracker _tracker;
    private readonly BarrierAligner? _aligner;
    private readonly IInputGateOutput _output;
    private readonly IInputGateListener _listener;
    private readonly Dictionary<(int Vertex, int Subtask), LinkedList<HeldInput>> _held = [];

    /// <summary>Creates the gate of a subtask.</summary>
    /// <param name="inputs">Each input channel (sending vertex and subtask) with the logical input it feeds.</param>
    /// <param name="alignment">How barriers are aligned, or null when the job takes no checkpoints (barriers are then ignored).</param>
    /// <param name="time">Measures alignment.</param>
    /// <param name="output">Where records and markers go.</param>
    /// <param name="listener">Hears of aborted and aligned checkpoints and of processed batches.</param>
    public CheckpointedInputGate(
        IReadOnlyDictionary<(int Vertex, int Subtask), int> inputs, CheckpointingMode? alignment, TimeProvider time, IInputGateOutput output, IInputGateListener listener)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(listener);
        _inputs = inputs;
        _tracker = new InputTracker(inputs.Keys);
        _output = output;
        _listener = listener;
        if (alignment is { } mode && inputs.Count > 0)
        {
            _aligner = new BarrierAligner(inputs.Keys, mode, time);
        }
    }

    /// <summary>The input channels (sending vertex and subtask).</summary>
    public IEnumerable<(int Vertex, int Subtask)> Channels => _inputs.Keys;

    /// <summary>The logical inputs, in order.</summary>
    public IReadOnlyList<int> Inputs => [.. _inputs.Values.Distinct().Order()];

    /// <summary>How many batches (or rests of batches) wait behind barriers.</summary>
    public int HeldBatches => _held.Values.Sum(h => h.Count);

    /// <summary>Whether every channel has ended.</summary>
    public bool AllEnded => _tracker.AllEnded;

    /// <summary>The logical input a channel feeds.</summary>
    public int InputOf((int Vertex, int Subtask) channel) => _inputs[channel];

    /// <summary>The channels of one logical input.</summary>
    public IEnumerable<(int Vertex, int Subtask)> ChannelsOf(int input) => _inputs.Where(c => c.Value == input).Select(c => c.Key);

    /// <summary>Whether a channel's input waits for a checkpoint's alignment (its barrier arrived first).</summary>
    public bool IsBlocked((int Vertex, int Subtask) channel) => _aligner?.IsBlocked(channel) == true;

    /// <summary>
    /// Takes the next batch of a channel: checks its sequence, then hands it over, or holds it when its channel is
    /// blocked (or still has held input). Held input that alignment releases is handed over before this returns.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="cancellationToken">Once cancelled, released input stays held.</param>
    /// <exception cref="ChannelBatchesLostException">A batch of the channel is missing.</exception>
    /// <exception cref="InvalidOperationException">The batch is not from an input channel, or came after its channel's end.</exception>
    public async Task OnBatchAsync(ChannelBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _tracker.Accept(batch);
        var channel = (batch.SenderVertex, batch.SenderSubtask);
        var input = new HeldInput(batch, 0, 0);
        if (IsBlocked(channel) || (_held.TryGetValue(channel, out var waiting) && waiting.Count > 0))
        {
            Held(channel).AddLast(input);
            return;
        }

        var unblocked = new Queue<(int Vertex, int Subtask)>();
        if (await ProcessAsync(channel, input, unblocked) is { } rest)
        {
            Held(channel).AddFirst(rest);
        }

        await DrainUnblockedAsync(unblocked, cancellationToken);
    }

    /// <summary>
    /// Hands over a batch from <paramref name="input"/>'s marker onwards. Returns the rest of the batch when a barrier
    /// blocked its channel; channels the markers released are added to <paramref name="unblocked"/>.
    /// </summary>
    private async Task<HeldInput?> ProcessAsync((int Vertex, int Subtask) channel, HeldInput input, Queue<(int Vertex, int Subtask)> unblocked)
    {
        var batch = input.Batch;
        var markers = batch.Markers ?? [];
        var position = input.Position;
        var endedAll = false;
        var endsChannel = false;
        for (var m = input.MarkerIndex; m < markers.Length; m++)
        {
            var marker = markers[m];
            Records(batch, position, marker.Position);
            position = marker.Position;
            switch (marker.Kind)
            {
                case MarkerKind.Watermark:
                    _output.OnWatermark(channel, marker.Value);
                    break;
                case MarkerKind.WatermarkStatus:
                    _output.OnWatermarkStatus(channel, marker.Value != 0);
                    break;
                case MarkerKind.EndOfInput:
                    endsChannel = true;
                    endedAll = _tracker.End(batch.SenderVertex, batch.SenderSubtask);
                    _output.OnChannelEnded(channel);
                    if (_aligner is not null)
                    {
                        await ApplyAsync(_aligner.OnEndOfInput(channel), unblocked);
                    }

                    break;
                case MarkerKind.CheckpointBarrier when _aligner is not null:
                    var decision = _aligner.OnBarrier(channel, marker.Value);
                    await ApplyAsync(decision, unblocked);
                    if (decision.BlockedChannel == channel)
                    {
                        return new HeldInput(batch, m + 1, position);
                    }

                    break;
            }
        }

        Records(batch, position, batch.Count);
        await _listener.OnBatchProcessedAsync(batch, endsChannel, endedAll);
        return null;
    }

    /// <summary>Hands over held input of channels that alignment released, each channel in order, until none is left or all block again.</summary>
    private async Task DrainUnblockedAsync(Queue<(int Vertex, int Subtask)> unblocked, CancellationToken cancellationToken)
    {
        while (unblocked.TryDequeue(out var channel))
        {
            var held = Held(channel);
            while (held.First is { } first && !IsBlocked(channel) && !cancellationToken.IsCancellationRequested)
            {
                held.RemoveFirst();
                if (await ProcessAsync(channel, first.Value, unblocked) is { } rest)
                {
                    held.AddFirst(rest);
                    break;
                }
            }
        }
    }

    /// <summary>Carries out an aligner decision in <see cref="BarrierDecision"/>'s order: aborted checkpoints, the snapshot, released channels.</summary>
    private async Task ApplyAsync(BarrierDecision decision, Queue<(int Vertex, int Subtask)> unblocked)
    {
        foreach (var aborted in decision.Aborted)
        {
            _listener.OnCheckpointAborted(aborted);
        }

        if (decision.SnapshotCheckpointId is { } checkpointId)
        {
            await _listener.OnAlignedAsync(checkpointId);
        }

        foreach (var channel in decision.UnblockedChannels)
        {
            unblocked.Enqueue(channel);
        }
    }

    private void Records(ChannelBatch batch, int start, int end)
    {
        if (end > start)
        {
            _output.OnRecords(batch, start, end);
        }
    }

    private LinkedList<HeldInput> Held((int Vertex, int Subtask) channel)
    {
        if (!_held.TryGetValue(channel, out var held))
        {
            held = new LinkedList<HeldInput>();
            _held[channel] = held;
        }

        return held;
    }

    /// <summary>A batch, or the rest of one from a marker on, waiting behind a barrier.</summary>
    private readonly record struct HeldInput(ChannelBatch Batch, int MarkerIndex, int Position);
}
