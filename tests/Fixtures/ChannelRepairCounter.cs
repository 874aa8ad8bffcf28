using System.Diagnostics.Metrics;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Counts, for one job, the input batches its subtasks fetched from their senders after the transport dropped them
/// and those they dropped as duplicates (<see cref="FlowMeter"/>'s channel counters), for assertion messages.
/// </summary>
public sealed class ChannelRepairCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private string? _jobId;
    private long _repaired;
    private long _duplicates;

    public ChannelRepairCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FlowMeter.Name && instrument.Name.StartsWith("orleansflow.channel.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "job" && tag.Value is string job && job == Volatile.Read(ref _jobId))
                {
                    if (instrument.Name == "orleansflow.channel.repaired_batches")
                    {
                        Interlocked.Add(ref _repaired, value);
                    }
                    else
                    {
                        Interlocked.Add(ref _duplicates, value);
                    }
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Counts for this job from now on.</summary>
    public void Watch(string jobId) => Volatile.Write(ref _jobId, jobId);

    public long Repaired => Interlocked.Read(ref _repaired);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public void Dispose() => _listener.Dispose();
}
