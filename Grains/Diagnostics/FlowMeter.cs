using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansFlow.Diagnostics;

/// <summary>
/// OrleansFlow's instruments in <see cref="System.Diagnostics.Metrics"/> (meter <see cref="Name"/>), so that
/// OpenTelemetry or Prometheus exporters can publish them. Tags: <c>job</c>, <c>vertex</c>, <c>subtask</c>.
/// </summary>
public static class FlowMeter
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string Name = "OrleansFlow";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> RecordsIn = Meter.CreateCounter<long>("orleansflow.task.records_in", "{record}", "Records a subtask took from its input channels.");

    private static readonly Counter<long> RecordsOut = Meter.CreateCounter<long>("orleansflow.task.records_out", "{record}", "Records a subtask sent to its output channels.");

    private static readonly Counter<double> BackPressured = Meter.CreateCounter<double>("orleansflow.task.backpressured_time", "ms", "Time a subtask's output waited for its receivers' credits.");

    private static readonly Counter<long> RepairedBatches = Meter.CreateCounter<long>(
        "orleansflow.channel.repaired_batches", "{batch}", "Input batches the transport dropped that a subtask fetched from their sender.");

    private static readonly Counter<long> DuplicateBatches = Meter.CreateCounter<long>(
        "orleansflow.channel.duplicate_batches", "{batch}", "Input batches a subtask received twice (retried deliveries) and dropped.");

    /// <summary>The tags that name one subtask.</summary>
    internal static TagList Tags(string jobId, int vertexId, int subtask) =>
        new() { { "job", jobId }, { "vertex", vertexId }, { "subtask", subtask } };

    internal static void AddRecordsIn(long count, in TagList tags)
    {
        if (count > 0 && RecordsIn.Enabled)
        {
            RecordsIn.Add(count, tags);
        }
    }

    internal static void AddRecordsOut(long count, in TagList tags)
    {
        if (count > 0 && RecordsOut.Enabled)
        {
            RecordsOut.Add(count, tags);
        }
    }

    internal static void AddBackPressured(TimeSpan waited, in TagList tags)
    {
        if (BackPressured.Enabled)
        {
            BackPressured.Add(waited.TotalMilliseconds, tags);
        }
    }

    internal static void AddRepairedBatches(long count, in TagList tags)
    {
        if (count > 0 && RepairedBatches.Enabled)
        {
            RepairedBatches.Add(count, tags);
        }
    }

    internal static void AddDuplicateBatches(long count, in TagList tags)
    {
        if (count > 0 && DuplicateBatches.Enabled)
        {
            DuplicateBatches.Add(count, tags);
        }
    }
}
