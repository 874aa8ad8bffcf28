using System.Globalization;
using System.Runtime;

namespace OrleansFlow.Bench;

/// <summary>Prints the results as a table, then each phase's notes.</summary>
internal static class ResultsTable
{
    private const double TargetEventsPerSecond = 2_500_000;

    public static void Write(TextWriter output, string input, IReadOnlyList<PhaseResult> results)
    {
        output.WriteLine();
        output.WriteLine(Invariant($"input: {input} ({new FileInfo(input).Length / 1e6:F0} MB); {Environment.ProcessorCount} cores; .NET {Environment.Version}; {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {GCSettings.LatencyMode}"));
        string[] header = ["phase", "events", "seconds", "events/s", "peak working set", "peak GC heap", "allocated", "GCs 0/1/2", "GC pause"];
        var rows = results.Select(r => new[]
        {
            r.Name,
            Invariant($"{r.Events:N0}"),
            Invariant($"{r.Seconds:F2}"),
            Invariant($"{r.EventsPerSecond:N0}"),
            Mb(r.PeakWorkingSetBytes),
            Mb(r.PeakManagedHeapBytes),
            Mb(r.AllocatedBytes),
            Invariant($"{r.Gen0}/{r.Gen1}/{r.Gen2}"),
            Invariant($"{r.GcPauseSeconds:F2} s"),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        output.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows)
        {
            output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        }

        output.WriteLine();
        foreach (var r in results)
        {
            output.WriteLine($"{r.Name}:");
            output.WriteLine($"  peak working set covers: {r.PeakWorkingSetCovers}");
            foreach (var note in r.Notes)
            {
                output.WriteLine($"  {note}");
            }
        }

        var loop = results.FirstOrDefault(r => r.Name.StartsWith("plain loop", StringComparison.Ordinal));
        foreach (var engine in results.Where(r => r.Name.StartsWith("engine", StringComparison.Ordinal)))
        {
            if (loop is not null)
            {
                output.WriteLine(Invariant($"engine / loop throughput: {engine.EventsPerSecond / loop.EventsPerSecond:P0}"));
            }

            output.WriteLine(Invariant($"engine target {TargetEventsPerSecond:N0} events/s, whole run including the embedded silo's start: {Verdict(engine.EventsPerSecond)}"));
            if (engine.JobEventsPerSecond is { } job)
            {
                output.WriteLine(Invariant($"engine target {TargetEventsPerSecond:N0} events/s, the job itself (after the silo started): {Verdict(job)}"));
            }
        }
    }

    private static string Verdict(double eventsPerSecond) =>
        Invariant($"{(eventsPerSecond >= TargetEventsPerSecond ? "met" : "NOT met")} ({eventsPerSecond:N0})");

    private static string Mb(long bytes) => Invariant($"{bytes / (1024.0 * 1024.0):N0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
