using System.Globalization;
using OrleansFlow;
using OrleansFlow.Functions;
using OrleansFlow.Watermarks;
using OrleansFlow.Windowing;

namespace UserJob;

/// <summary>
/// Per sensor, the readings of each 10 s event-time window (count, sum, max), then each sensor's running totals over
/// its windows, one line per window that fired. Arguments: <c>INPUT OUTPUT [RATE]</c>; INPUT has lines
/// <c>timestamp,sensor,value</c> in timestamp order, RATE limits the source to that many lines per second.
/// </summary>
public sealed class SensorStatsJob : IStreamJob
{
    /// <inheritdoc />
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count is < 2 or > 3)
        {
            throw new ArgumentException("SensorStatsJob takes INPUT OUTPUT [RATE]");
        }

        double? rate = args.Count == 3 ? double.Parse(args[2], CultureInfo.InvariantCulture) : null;
        env.ReadLines(args[0], Reading.Parse, ratePerSecond: rate).SetParallelism(1)
            .AssignTimestampsAndWatermarks(WatermarkStrategy<Reading>.ForMonotonousTimestamps().WithTimestampAssigner(r => r.Timestamp)).SetParallelism(1)
            .KeyBy(r => r.Sensor)
            .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
            .Aggregate(new StatsAggregate(), new Summarize()).Name("Window stats")
            .KeyBy(s => s.Sensor)
            .Reduce((total, window) => new SensorSummary(
                total.Sensor, total.Windows + window.Windows, total.Count + window.Count, total.Sum + window.Sum,
                Math.Max(total.Max, window.Max), window.LastWindowEnd)).Name("Sensor totals")
            .Map(s => s.ToLine())
            .WriteAsText(args[1]).SetParallelism(1);
    }

    /// <summary>Counts, sums and takes the maximum of a window's readings.</summary>
    private sealed class StatsAggregate : IAggregateFunction<Reading, WindowStats, WindowStats>
    {
        public WindowStats CreateAccumulator() => new();

        public WindowStats Add(Reading value, WindowStats accumulator)
        {
            accumulator.Count++;
            accumulator.Sum += value.Value;
            accumulator.Max = Math.Max(accumulator.Max, value.Value);
            return accumulator;
        }

        public WindowStats GetResult(WindowStats accumulator) => accumulator;

        public WindowStats Merge(WindowStats a, WindowStats b) =>
            new() { Count = a.Count + b.Count, Sum = a.Sum + b.Sum, Max = Math.Max(a.Max, b.Max) };
    }

    /// <summary>Turns a window's stats into a one-window summary carrying the window's end.</summary>
    private sealed class Summarize : ProcessWindowFunction<WindowStats, SensorSummary, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<WindowStats> elements, ICollector<SensorSummary> output)
        {
            foreach (var stats in elements)
            {
                output.Collect(new SensorSummary(key, 1, stats.Count, stats.Sum, stats.Max, context.Window.End));
            }
        }
    }
}
