using System.Globalization;
using OrleansFlow.Sources;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A rate-limited keyed running sum into the exactly-once text file sink, with two fault points:
/// <c>generator (1 or 2 subtasks; a <see cref="HeldSource{T}"/> the test may hold) → "Inject" (may hold at a gated record or throw; chained to the generator) → keyBy(i % 8) → "Sum" → "Stall"
/// (may block) → WriteAsText</c>. Record i is (i % 8, i). With two source subtasks, subtask s produces s, s+2, s+4, ...
/// and 8 is even; with one, all in order: either way each key's records come from one subtask in a fixed order, so
/// the output lines "key,running sum" of a failure-free run are deterministic (<see cref="ExpectedLines"/>). With one
/// source subtask the records reach "Inject" one at a time in order, so throws planned at call counts
/// (<see cref="FaultInjection.ArmThrowAt"/>) each fail a different attempt. Arguments (<see cref="Args"/>): run id
/// (<see cref="FaultInjection"/>), output path (a file at parallelism 1, else a directory of part files), record
/// count, records per second per source subtask, source subtasks, the sink's uid (empty for none) and the key count
/// (default <see cref="Keys"/>; even, so each key's records come from one source subtask). Checkpointing, the restart
/// strategy and the parallelism of the other operators come from the submitting environment.
/// </summary>
public sealed class CheckpointedSumJob : IStreamJob
{
    public const int Keys = 8;
    public const int SourceParallelism = 2;

    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var faults = FaultInjection.Of(args[0]);
        var output = args[1];
        var count = long.Parse(args[2], CultureInfo.InvariantCulture);
        var rate = double.Parse(args[3], CultureInfo.InvariantCulture); // per subtask; the source takes its total
        var sources = int.Parse(args[4], CultureInfo.InvariantCulture);
        var keys = args.Count > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : Keys;
        var sink = env.FromSource(new HeldSource<long>(new GeneratorSource<long>(i => i, count), faults), "Generator Source", rate * sources).SetParallelism(sources)
            .Map(i =>
            {
                faults.HoldIfGatedAt(i);
                faults.ThrowIfArmed(i);
                return (Key: i % keys, Value: i);
            }).Name("Inject").SetParallelism(sources)
            .KeyBy(e => e.Key)
            .Sum(e => e.Value).Name("Sum")
            .Map(e =>
            {
                faults.StallIfArmed();
                return e;
            }).Name("Stall")
            .WriteAsText(output, e => string.Create(CultureInfo.InvariantCulture, $"{e.Key},{e.Value}"));
        if (args.Count > 5 && args[5].Length > 0)
        {
            sink.Uid(args[5]);
        }
    }

    /// <summary>The submission arguments.</summary>
    public static string[] Args(string run, string output, long count, double ratePerSubtask, string? sinkUid = null, int sources = SourceParallelism, int keys = Keys) =>
        [run, output, count.ToString(CultureInfo.InvariantCulture), ratePerSubtask.ToString(CultureInfo.InvariantCulture),
            sources.ToString(CultureInfo.InvariantCulture), sinkUid ?? "", keys.ToString(CultureInfo.InvariantCulture)];

    /// <summary>Each key's running sums of a failure-free run, in order.</summary>
    public static long[][] RunningSums(long count)
    {
        var sums = new List<long>[Keys];
        for (var k = 0; k < Keys; k++)
        {
            sums[k] = [];
        }

        long[] totals = new long[Keys];
        for (long i = 0; i < count; i++)
        {
            totals[i % Keys] += i;
            sums[i % Keys].Add(totals[i % Keys]);
        }

        return [.. sums.Select(s => s.ToArray())];
    }

    /// <summary>The output lines of a failure-free run, sorted ordinally.</summary>
    public static string[] ExpectedLines(long count, int keys = Keys) => ElasticSumJob.ExpectedLines(count, keys);

    /// <summary>
    /// Asserts that the committed output equals a failure-free run's (sorted comparison), naming the lines missing
    /// and the lines extra (a few of each, with counts and the part file of each extra line).
    /// </summary>
    public static void AssertExactOutput(long count, string output, string context, int keys = Keys)
    {
        var expected = ExpectedLines(count, keys);
        var actual = ReadOutput(output);
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        var remaining = actual.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var line in expected)
        {
            if (remaining.TryGetValue(line, out var n) && n > 0)
            {
                remaining[line] = n - 1;
            }
            else
            {
                missing.Add(line);
            }
        }

        var extra = remaining.Where(kv => kv.Value > 0).SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value)).ToList();
        Assert.Fail($"The output differs from a failure-free run: {actual.Length} lines for {expected.Length}; " +
            $"{missing.Count} missing (e.g. {string.Join(' ', missing.Take(12))}), {extra.Count} extra (e.g. {string.Join(' ', extra.Take(12))}). {context}");
    }

    /// <summary>
    /// The committed output lines (the sink's file at parallelism 1, else every visible part file of its directory),
    /// sorted ordinally; none while the sink has not created its output.
    /// </summary>
    public static string[] ReadOutput(string output) =>
        !File.Exists(output) && !Directory.Exists(output) ? [] :
        [.. (File.Exists(output) ? File.ReadAllLines(output) : Directory.GetFiles(output, "part-*").SelectMany(File.ReadAllLines)).Order(StringComparer.Ordinal)];
}
