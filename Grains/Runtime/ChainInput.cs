using OrleansFlow.Execution;
using OrleansFlow.Jobs;
using OrleansFlow.Messages;

namespace OrleansFlow.Runtime;

/// <summary>
/// Feeds what the input gate hands over into the chain's head, after Flink's StreamTaskNetworkOutput: records go to
/// the pusher of their input (or, for a keyed head, into the dispatcher's buffer); channel watermarks are combined by
/// the <see cref="WatermarkValve"/>, and a new combined watermark, or a change of the all-idle status, goes through
/// the chain (or to the per-key grains).
/// </summary>
internal sealed class ChainInput : IInputGateOutput
{
    private readonly WatermarkValve _valve;
    private readonly KeyedDispatcher? _keyed;
    private readonly IReadOnlyDictionary<int, IBatchPusher> _pushers;
    private readonly object _collector;
    private readonly JobPlan _plan;
    private bool _idle;

    /// <summary>Creates the input of a chain.</summary>
    /// <param name="channels">The input channels.</param>
    /// <param name="keyed">The dispatcher of a keyed head, or null.</param>
    /// <param name="pushers">For a head that is not keyed, the pusher of each input (by <see cref="ChannelBatch.InputIndex"/>).</param>
    /// <param name="collector">The chain's head collector, where watermarks and idleness go.</param>
    /// <param name="plan">The job's plan, to name a failing record's sender.</param>
    public ChainInput(IEnumerable<(int Vertex, int Subtask)> channels, KeyedDispatcher? keyed, IReadOnlyDictionary<int, IBatchPusher> pushers, object collector, JobPlan plan)
    {
        _valve = new WatermarkValve(channels);
        _keyed = keyed;
        _pushers = pushers;
        _collector = collector;
        _plan = plan;
    }

    /// <summary>The combined input watermark so far.</summary>
    public long Watermark => _valve.Watermark;

    /// <inheritdoc/>
    public void OnRecords(ChannelBatch batch, int start, int end)
    {
        if (_keyed is not null)
        {
            _keyed.Buffer(batch.Records!, batch.Timestamps, start, end);
            return;
        }

        _pushers[batch.InputIndex].Push(batch.Records!, batch.Timestamps, start, end, i => DescribeInput(batch, i));
    }

    /// <inheritdoc/>
    public void OnWatermark((int Vertex, int Subtask) channel, long watermark) => Forward(_valve.OnWatermark(channel, watermark));

    /// <inheritdoc/>
    public void OnWatermarkStatus((int Vertex, int Subtask) channel, bool idle)
    {
        Forward(_valve.OnIdleChanged(channel, idle));
        if (_valve.AllIdle != _idle)
        {
            _idle = _valve.AllIdle;
            ChainElements.ForwardIdle(_collector, _idle);
        }
    }

    /// <inheritdoc/>
    public void OnChannelEnded((int Vertex, int Subtask) channel) => Forward(_valve.OnEnded(channel));

    /// <summary>A new combined input watermark goes to the per-key grains (keyed head) or through the chain.</summary>
    private void Forward(long? watermark)
    {
        if (watermark is not { } value)
        {
            return;
        }

        if (_keyed is not null)
        {
            _keyed.BufferWatermark(value);
        }
        else
        {
            ChainElements.ForwardWatermark(_collector, value);
        }
    }

    private string DescribeInput(ChannelBatch batch, int index) =>
        $"record {index} of batch {batch.Sequence} from '{_plan.Vertex(batch.SenderVertex).Name}' subtask {batch.SenderSubtask}";
}
