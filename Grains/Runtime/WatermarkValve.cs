using System.Runtime.CompilerServices;

namespace OrleansFlow.Runtime;

/// <summary>
/// Combines the watermarks of a subtask's input channels, as Flink's StatusWatermarkValve: the operator's watermark
/// is the minimum over active channels and only ever increases; an idle channel does not hold it back until it is
/// active again; a channel that ended counts as having the maximum watermark. When every channel is idle the
/// operator is idle too.
/// </summary>
internal sealed class WatermarkValve
{
    private readonly Dictionary<(int Vertex, int Subtask), Channel> _channels = [];

    public WatermarkValve(IEnumerable<(int Vertex, int Subtask)> channels)
    {
        foreach (var channel in channels)
        {
            _channels[channel] = new Channel();
        }
    }

    /// <summary>The combined watermark emitted so far.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>Whether every input channel is idle.</summary>
    public bool AllIdle => _channels.Count > 0 && _channels.Values.All(c => c.Idle);

    /// <summary>A channel's watermark advanced; returns the new combined watermark if it increased.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long? OnWatermark((int Vertex, int Subtask) channel, long watermark)
    {
        var state = _channels[channel];
        if (watermark > state.Watermark)
        {
            state.Watermark = watermark;
        }

        return Recompute();
    }

    /// <summary>A channel became idle or active; returns the new combined watermark if it increased.</summary>
    public long? OnIdleChanged((int Vertex, int Subtask) channel, bool idle)
    {
        _channels[channel].Idle = idle;
        return Recompute();
    }

    /// <summary>A channel ended: it no longer holds the watermark back.</summary>
    public long? OnEnded((int Vertex, int Subtask) channel)
    {
        var state = _channels[channel];
        state.Watermark = long.MaxValue;
        state.Idle = false;
        return Recompute();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long? Recompute()
    {
        // Runs for every watermark (after every record with per-record watermarks): no LINQ, no allocation.
        var anyActive = false;
        var minimum = long.MaxValue;
        foreach (var channel in _channels.Values)
        {
            if (!channel.Idle)
            {
                anyActive = true;
                minimum = Math.Min(minimum, channel.Watermark);
            }
        }

        if (!anyActive || minimum <= Watermark)
        {
            return null;
        }

        Watermark = minimum;
        return minimum;
    }

    private sealed class Channel
    {
        public long Watermark { get; set; } = long.MinValue;

        public bool Idle { get; set; }
    }
}
