using System.Globalization;
using OrleansFlow.Functions;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;
using OrleansFlow.State;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>A map function that throws on one record.</summary>
public sealed class ExplodingMapJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var bad = long.Parse(args[0], CultureInfo.InvariantCulture);
        env.FromSequence(0, 99)
            .Map(x => x == bad ? throw new InvalidOperationException($"boom at {x}") : x).Name("Explode")
            .Collect("out");
    }
}

/// <summary>A reduce function that throws for one key.</summary>
public sealed class ExplodingReduceJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) =>
        env.FromSequence(0, 999)
            .KeyBy(x => x % 10)
            .Reduce((a, b) => b == 507 ? throw new ArithmeticException("reduce blew up") : a + b).Name("Fragile Sum")
            .Collect("out");
}

/// <summary>An unbounded fast generator (parallelism 2) feeding, through a channel, a slow sink that records every value.</summary>
public sealed class FastSourceSlowSinkJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        env.Config.BatchSize = 16;
        env.Config.ChannelCredits = 4;
        env.Generate(i => i).SetParallelism(2)
            .Rebalance()
            .SinkTo(new SlowSink(args[0], TimeSpan.FromMilliseconds(5)), "Slow Sink").SetParallelism(1);
    }
}

/// <summary>An unbounded generator into a recording sink, for cancellation.</summary>
public sealed class EndlessJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) =>
        env.Generate(i => i, count: null, ratePerSecond: 2000)
            .Map(x => x * 2)
            .SinkTo(new SlowSink(args[0], TimeSpan.Zero), "Recorder");
}

/// <summary>A sink that records values in the <see cref="Probe"/> and pauses after each batch.</summary>
public sealed class SlowSink(string run, TimeSpan pause) : ISink<long>
{
    public ISinkWriter<long> CreateWriter(SinkContext context) => new Writer(Probe.Of(run), pause);

    private sealed class Writer(System.Collections.Concurrent.ConcurrentQueue<long> seen, TimeSpan pause) : ISinkWriter<long>
    {
        public void Write(long record) => seen.Enqueue(record);

        public async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }

        public ValueTask FinishAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// Per key: counts records in a value state, keeps values in a list state and their sum per parity in a map state,
/// and sets an event-time timer at each record's value; timers fire at end of input.
/// </summary>
public sealed class ProcessFunctionJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) =>
        env.FromCollection(new[] { ("a", 3L), ("b", 5L), ("a", 1L), ("a", 3L), ("b", 2L) })
            .KeyBy(e => e.Item1)
            .Process(new CountingFunction()).Name("Counter")
            .Collect("out");

    private sealed class CountingFunction : KeyedProcessFunction<string, (string, long), string>
    {
        private IValueState<long> _count = null!;
        private IListState<long> _values = null!;
        private IMapState<string, long> _byParity = null!;

        public override void Open(IRuntimeContext context)
        {
            _count = context.GetState(new ValueStateDescriptor<long>("count"));
            _values = context.GetListState(new ListStateDescriptor<long>("values"));
            _byParity = context.GetMapState(new MapStateDescriptor<string, long>("byParity"));
        }

        public override void ProcessElement((string, long) value, Context context, ICollector<string> output)
        {
            _count.Update(_count.Value + 1);
            _values.Add(value.Item2);
            var parity = value.Item2 % 2 == 0 ? "even" : "odd";
            _byParity.Put(parity, (_byParity.TryGetValue(parity, out var sum) ? sum : 0) + value.Item2);
            context.TimerService.RegisterEventTimeTimer(value.Item2);
            output.Collect($"{context.CurrentKey} seen {_count.Value}");
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.CurrentKey} timer {timestamp} count {_count.Value} values {string.Join('+', _values.Get())}");
    }
}

/// <summary>Two sources united, then rolling Min, Max and MaxBy per key.</summary>
public sealed class AggregationsJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var left = env.FromCollection(new[] { ("x", 5L, "l1"), ("y", 9L, "l2"), ("x", 2L, "l3") });
        var right = env.FromCollection(new[] { ("x", 7L, "r1"), ("y", 1L, "r2") });
        var all = left.Union(right);
        all.KeyBy(e => e.Item1).Min(e => e.Item2).Name("Min").Collect("min");
        all.KeyBy(e => e.Item1).Max(e => e.Item2).Name("Max").Collect("max");
        all.KeyBy(e => e.Item1).MaxBy(e => e.Item2).Name("MaxBy").Collect("maxBy");
    }
}

/// <summary>Parses "key,number" lines; a line that is not a number is a bad record (policy from the arguments).</summary>
public sealed class ParseLinesJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        var policy = args.Count > 1 ? BadRecordPolicy.WriteTo(args[1]) : BadRecordPolicy.Fail;
        env.ReadLines(args[0], line =>
            {
                var parts = line.Split(',');
                return (parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture));
            }, policy)
            .KeyBy(e => e.Item1)
            .Sum(e => e.Item2).Name("Sum")
            .Collect("sums");
    }
}

/// <summary>
/// A slow unbounded source; the first record of each key sets a processing-time timer 200 ms ahead, whose firing
/// emits "key registered-at fired-at".
/// </summary>
public sealed class ProcessingTimerJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) =>
        env.Generate(i => i % 3, count: null, ratePerSecond: 50).SetParallelism(1)
            .KeyBy(x => x)
            .Process(new DelayedEcho()).Name("Delayed Echo")
            .Collect("out");

    private sealed class DelayedEcho : KeyedProcessFunction<long, long, string>
    {
        private IValueState<long> _registeredAt = null!;

        public override void Open(IRuntimeContext context) =>
            _registeredAt = context.GetState(new ValueStateDescriptor<long>("registeredAt"));

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            if (!_registeredAt.HasValue)
            {
                var now = context.TimerService.CurrentProcessingTime;
                _registeredAt.Update(now);
                context.TimerService.RegisterProcessingTimeTimer(now + 200);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey} {_registeredAt.Value} {context.TimerService.CurrentProcessingTime} {context.TimeDomain}"));
    }
}

/// <summary>A job that sets checkpointing and its restart strategy in its own Build, as a Flink job does in main.</summary>
public sealed class SelfCheckpointingJob : IStreamJob
{
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        env.EnableCheckpointing(TimeSpan.FromSeconds(30), Jobs.CheckpointingMode.AtLeastOnce);
        env.CheckpointConfig.RetainedCheckpoints = 3;
        env.SetRestartStrategy(RestartStrategy.FailureRate(2, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5)));
        env.FromSequence(0, 9).Collect("out");
    }
}
