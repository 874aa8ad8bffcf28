using System.Runtime.InteropServices;
using System.Text;
using OrleansFlow.Sinks;

namespace OrleansFlow.Bench;

/// <summary>
/// The baseline: one thread reads the file line by line, parses with the same parser as the engine, keeps a
/// running sum per key in a <see cref="Dictionary{TKey, TValue}"/> and emits every running update into a
/// <see cref="DiscardingSink{T}"/> writer, as the engine's <c>KeyBy(key).Sum(value)</c> does.
/// </summary>
internal static class LoopBenchmark
{
    public static async Task<PhaseResult> RunAsync(string path, string peakCovers, CancellationToken cancellationToken)
    {
        using var meter = new PhaseMeter();
        var sink = new DiscardingSink<Event>();
        var writer = sink.CreateWriter(new SinkContext("loop", 0, "Discard", 0, 1));
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        long lines = 0;
        long checksum = 0;
        meter.RestartClock();
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, new FileStreamOptions { BufferSize = 1 << 20, Options = FileOptions.SequentialScan }))
        {
            while (reader.ReadLine() is { } line)
            {
                var e = EventParser.Parse(line);
                ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, e.Key, out _);
                sum += e.Value;
                writer.Write((e.Ts, e.Key, sum));
                checksum += sum;
                lines++;
            }
        }

        await writer.FinishAsync(cancellationToken);
        var elapsed = meter.Elapsed;
        if (sink.Count != lines)
        {
            throw new InvalidOperationException($"loop: the sink counted {sink.Count:N0} updates for {lines:N0} events");
        }

        return meter.Stop("plain loop (1 thread)", lines, elapsed, peakCovers, [$"{sums.Count:N0} keys, checksum of running sums {checksum}"]);
    }
}
