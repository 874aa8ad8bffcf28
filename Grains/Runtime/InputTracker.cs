using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// The receiving side's bookkeeping: which channels feed this subtask, the next sequence number expected on each
/// (a gap means a lost batch and fails the job loudly; <see cref="ChannelInbox"/> puts batches in order and repairs
/// gaps first, so this is the last alarm) and which have ended.
/// </summary>
internal sealed class InputTracker
{
    private readonly Dictionary<(int Vertex, int Subtask), long> _expected = [];
    private readonly HashSet<(int Vertex, int Subtask)> _ended = [];

    public InputTracker(JobPlan plan, int vertexId, int subtask)
        : this(ChannelInputs(plan, vertexId, subtask).Keys)
    {
    }

    /// <summary>Tracks the given input channels (sending vertex and subtask).</summary>
    public InputTracker(IEnumerable<(int Vertex, int Subtask)> channels)
    {
        foreach (var channel in channels)
        {
            _expected[channel] = 0;
        }
    }

    /// <summary>
    /// The input channels of a subtask (sending vertex and subtask), each with the index of the input it feeds
    /// (<see cref="ChannelBatch.InputIndex"/>: the position of its edge among the vertex's inputs).
    /// </summary>
    public static Dictionary<(int Vertex, int Subtask), int> ChannelInputs(JobPlan plan, int vertexId, int subtask)
    {
        var channels = new Dictionary<(int Vertex, int Subtask), int>();
        foreach (var edge in plan.InputsOf(vertexId))
        {
            var input = OutputGate.InputIndexOf(plan, edge);
            var senders = edge.Partition == PartitionKind.Forward ? [subtask] : Enumerable.Range(0, plan.Vertex(edge.Source).Parallelism);
            foreach (var sender in senders)
            {
                channels[(edge.Source, sender)] = input;
            }
        }

        return channels;
    }

    public int ChannelCount => _expected.Count;

    /// <summary>The input channels (sending vertex and subtask).</summary>
    public IEnumerable<(int Vertex, int Subtask)> Channels => _expected.Keys;

    public bool AllEnded => _ended.Count == _expected.Count;

    /// <summary>Checks that the batch is the next one of its channel.</summary>
    public void Accept(ChannelBatch batch)
    {
        var channel = (batch.SenderVertex, batch.SenderSubtask);
        if (!_expected.TryGetValue(channel, out var expected))
        {
            throw new InvalidOperationException($"Received a batch from vertex {batch.SenderVertex} subtask {batch.SenderSubtask}, which is not an input of this task.");
        }

        if (batch.Sequence != expected)
        {
            throw new ChannelBatchesLostException(batch.SenderVertex, batch.SenderSubtask, batch.Sequence, expected);
        }

        if (_ended.Contains(channel))
        {
            throw new InvalidOperationException($"Channel from vertex {batch.SenderVertex} subtask {batch.SenderSubtask} sent data after its end of input.");
        }

        _expected[channel] = expected + 1;
    }

    /// <summary>Records a channel's end of input; returns true when it was the last open channel.</summary>
    public bool End(int senderVertex, int senderSubtask) => _ended.Add((senderVertex, senderSubtask)) && AllEnded;
}
