using System.Globalization;
using OrleansFlow.Functions;
using OrleansFlow.State;
using OrleansFlow.Watermarks;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// A keyed sum with an event-time timer per key, built to be passivated halfway: <c>generator (1 subtask) → event time
/// → keyBy → "Passivating Sum" (KeyedProcessFunction) → Collect("out")</c>. Phase 1: keys k0..k(K-1) get one record
/// each at event time 1,000 (value = key number + 1) and register a timer at 5,000. Record K is held at the run's gate
/// (<see cref="FaultInjection.ArmGateAt"/>) until the test opens it, so the keys go idle. Phase 2: keys k0..k(K/2-1)
/// get a second record at 2,000 (value 1,000), then a record of key "clock" at 10,000 moves the watermark (one after
/// every record) past every timer, then k0..k(K/2-1) get a third record at 20,000 (value 1,000,000) that no 5,000
/// timer may see. A timer emits
/// "key,sum" and, for key k0 only, a second timer at 30,000 re-emits its sum at the end. Args: run id, key count K (even).
/// </summary>
public sealed class PassivationJob : IStreamJob
{
    public const string Operator = "Passivating Sum";

    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var faults = FaultInjection.Of(args[0]);
        var keys = int.Parse(args[1], CultureInfo.InvariantCulture);
        env.Generate(i => Event(i, keys), count: keys + (keys / 2) + 1 + (keys / 2)).SetParallelism(1)
            .Map(e =>
            {
                faults.HoldIfGatedAt(e.Index);
                return e;
            }).SetParallelism(1)
            .AssignTimestampsAndWatermarks(WatermarkStrategy<Record>
                .ForGenerator(() => new PerEventBoundedOutOfOrdernessWatermarks<Record>(TimeSpan.Zero)) // a watermark after every record
                .WithTimestampAssigner(e => e.Timestamp)).SetParallelism(1) // one watermark for all records, in their order
            .KeyBy(e => e.Key)
            .Process(new TimedSum()).Name(Operator)
            .Collect("out");
    }

    /// <summary>The timers' output of the run: "key,sum" once per key, plus k0's end-of-input line.</summary>
    public static string[] ExpectedLines(int keys) =>
        [.. Enumerable.Range(0, keys).Select(k => string.Create(CultureInfo.InvariantCulture, $"k{k},{(k + 1) + (k < keys / 2 ? 1_000 : 0)}")),
            string.Create(CultureInfo.InvariantCulture, $"k0,{1 + 1_000 + 1_000_000}")];

    public static string[] Args(string run, int keys) => [run, keys.ToString(CultureInfo.InvariantCulture)];

    private static Record Event(long i, int keys)
    {
        var half = keys / 2;
        return i < keys ? new Record(i, $"k{i}", 1_000, i + 1)
            : i < keys + half ? new Record(i, $"k{i - keys}", 2_000, 1_000)
            : i == keys + half ? new Record(i, "clock", 10_000, 0)
            : new Record(i, $"k{i - keys - half - 1}", 20_000, 1_000_000);
    }

    /// <summary>One event: its index in the generator, key, event time and value.</summary>
    [GenerateSerializer, Immutable, Alias("flow.tests.PassivationRecord")]
    public sealed record Record([property: Id(0)] long Index, [property: Id(1)] string Key, [property: Id(2)] long Timestamp, [property: Id(3)] long Value);

    private sealed class TimedSum : KeyedProcessFunction<string, Record, string>
    {
        private IValueState<long> _sum = null!;

        public override void Open(IRuntimeContext context) => _sum = context.GetState(new ValueStateDescriptor<long>("sum"));

        public override void ProcessElement(Record value, Context context, ICollector<string> output)
        {
            if (value.Key == "clock")
            {
                return;
            }

            if (!_sum.HasValue)
            {
                context.TimerService.RegisterEventTimeTimer(5_000);
                if (value.Key == "k0")
                {
                    context.TimerService.RegisterEventTimeTimer(30_000);
                }
            }

            _sum.Update(_sum.Value + value.Value);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey},{_sum.Value}"));
    }
}
