using System.Globalization;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A rate-limited keyed running sum with many keys into the exactly-once text file sink:
/// <c>generator (2 subtasks) → keyBy(i % keys) → "Sum" → WriteAsText</c>. The key count is even, so each key's records
/// come from one generator subtask in a fixed order and the output lines "key,running sum" are deterministic.
/// Args: output file, record count, records per second per source subtask, key count (even).
/// </summary>
public sealed class ElasticSumJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var count = long.Parse(args[1], CultureInfo.InvariantCulture);
        var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
        var keys = int.Parse(args[3], CultureInfo.InvariantCulture);
        env.Generate(i => (Key: i % keys, Value: i), count, rate * 2).SetParallelism(2) // the source's rate is its total
            .KeyBy(e => e.Key)
            .Sum(e => e.Value).Name("Sum")
            .WriteAsText(args[0], e => string.Create(CultureInfo.InvariantCulture, $"{e.Key},{e.Value}"));
    }

    public static string[] Args(string output, long count, double ratePerSubtask, int keys) =>
        [output, count.ToString(CultureInfo.InvariantCulture), ratePerSubtask.ToString(CultureInfo.InvariantCulture), keys.ToString(CultureInfo.InvariantCulture)];

    /// <summary>The output lines of a failure-free run, sorted ordinally.</summary>
    public static string[] ExpectedLines(long count, int keys)
    {
        var sums = new long[keys];
        var lines = new List<string>((int)count);
        for (long i = 0; i < count; i++)
        {
            sums[i % keys] += i;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{i % keys},{sums[i % keys]}"));
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }
}
