using System.Globalization;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Generated records "kN,i" (i = 0..count-1, N = i mod 37) at a rate, through a map that fails where
/// <see cref="FaultInjection.ArmThrowAt"/> plans it, summed per key (running sums) into a text file.
/// Args: RUN COUNT RATE OUTPUT.
/// </summary>
public sealed class RunningSumJob : IStreamJob
{
    public const int Keys = 37;

    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var faults = FaultInjection.Of(args[0]);
        var count = long.Parse(args[1], CultureInfo.InvariantCulture);
        var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
        env.Generate(i => FormattableString.Invariant($"k{i % Keys},{i}"), count, rate).SetParallelism(1)
            .Map(line =>
            {
                faults.ThrowIfArmed(Value(line));
                return line;
            }).SetParallelism(1)
            .KeyBy(Key)
            .Reduce((sum, next) => FormattableString.Invariant($"{Key(sum)},{Value(sum) + Value(next)}"))
            .WriteAsText(args[3]).SetParallelism(1);
    }

    /// <summary>One line per record: its key and the key's sum so far (what a failure-free run emits), sorted.</summary>
    public static IEnumerable<string> Expected(long count)
    {
        var sums = new Dictionary<string, long>();
        var lines = new List<string>();
        for (long i = 0; i < count; i++)
        {
            var key = FormattableString.Invariant($"k{i % Keys}");
            sums[key] = sums.GetValueOrDefault(key) + i;
            lines.Add(FormattableString.Invariant($"{key},{sums[key]}"));
        }

        return lines.Order(StringComparer.Ordinal);
    }

    private static string Key(string line) => line[..line.IndexOf(',', StringComparison.Ordinal)];

    private static long Value(string line) => long.Parse(line.AsSpan(line.IndexOf(',', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
}
