using OrleansFlow.Functions;
using OrleansFlow.Sources;
using OrleansFlow.Watermarks;
using OrleansFlow.Windowing;

namespace OrleansFlow.Examples;

/// <summary>
/// Sums <c>value</c> per key and event-time window over lines <c>timestamp,key,value</c>, writing one line
/// <c>key,window_start,window_end,sum</c> per firing (re-firings included; empty start and end for the global
/// window). The source runs with parallelism 1 and the watermark advances after every record (bounded
/// out-of-orderness), or comes from <c>WM,timestamp</c> lines with <c>--watermarks punctuated</c>, so results never
/// depend on batching, timing or parallelism. A line whose timestamp has no window (its window would end past
/// <see cref="long.MaxValue"/>) is a bad record; a sum that overflows 64 bits fails the job naming key and window.
/// </summary>
public sealed class WindowSumJob : IStreamJob
{
    /// <summary>The options this job takes.</summary>
    public const string Usage =
        "--input FILE --output FILE --window tumbling:SIZE[:OFFSET]|sliding:SIZE:SLIDE[:OFFSET]|session:GAP|global " +
        "[--out-of-orderness D] [--watermarks bounded|punctuated] [--allowed-lateness D] [--late-output FILE] " +
        "[--trigger count:N] [--purging] [--on-bad-record fail|skip] [--error-file FILE] [--rate N]";

    /// <inheritdoc />
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(env);
        var options = new JobArguments(args);
        options.RejectUnknown("input", "output", "window", "out-of-orderness", "watermarks", "allowed-lateness", "late-output",
            "trigger", "purging", "on-bad-record", "error-file", "rate");
        var output = options.Required("output");
        var window = WindowSpec.Parse(options.Required("window"));
        var outOfOrderness = Durations.Parse(options.Optional("out-of-orderness") ?? "0", "--out-of-orderness");
        var punctuated = options.Optional("watermarks") switch
        {
            null or "bounded" => false,
            "punctuated" => true,
            var other => throw new ArgumentException($"--watermarks must be bounded or punctuated, got '{other}'."),
        };
        var lateOutput = options.Optional("late-output");
        var badRecords = options.Optional("on-bad-record") switch
        {
            null or "fail" => BadRecordPolicy.Fail,
            "skip" => BadRecordPolicy.WriteTo(options.Optional("error-file") ?? output + ".errors"),
            var other => throw new ArgumentException($"--on-bad-record must be fail or skip, got '{other}'."),
        };
        var settings = new WindowSettings(
            options.Optional("allowed-lateness") is { } lateness ? Durations.Parse(lateness, "--allowed-lateness") : null,
            lateOutput is null ? null : new OutputTag<WindowEvent>("late"),
            options.Optional("trigger") is { } trigger ? CountOf(trigger) : null,
            options.Optional("purging") switch
            {
                null or "false" => false,
                "true" => true,
                var other => throw new ArgumentException($"--purging takes true or false, got '{other}'."),
            });

        var strategy = (punctuated
                ? WatermarkStrategy<WindowEvent>.ForGenerator(() => new PunctuatedWatermarks())
                : WatermarkStrategy<WindowEvent>.ForGenerator(() => new PerEventBoundedOutOfOrdernessWatermarks<WindowEvent>(outOfOrderness)))
            .WithTimestampAssigner(e => e.Timestamp);
        var keys = new StringPool();
        var keepLines = lateOutput is not null;
        var keyed = env.ReadLineSpans(options.Required("input"), line => window.CheckHasWindow(WindowEvent.Parse(line, punctuated, keepLines, keys)), badRecords, options.OptionalPositive("rate"))
            .SetParallelism(1)
            .AssignTimestampsAndWatermarks(strategy).SetParallelism(1)
            .Filter(e => !e.IsWatermark).Name("Drop watermark lines").SetParallelism(1)
            .KeyBy(e => e.Key);
        var sums = window.IsGlobal
            ? Sum(keyed.Window(GlobalWindows.CreateWithEndOfStreamTrigger()), settings, static (key, _, sum) => WindowSum.Global(key, sum))
            : Sum(keyed.Window(window.Assigner!), settings, static (key, w, sum) => new WindowSum(key, w.Start, w.End, sum));
        sums.WriteAsText(output).SetParallelism(1);
        if (settings.LateData is { } tag)
        {
            sums.GetSideOutput(tag).Map(e => e.Line ?? string.Empty).Name("Late lines").WriteAsText(lateOutput!).SetParallelism(1);
        }
    }

    private static DataStream<WindowSum> Sum<TWindow>(WindowedStream<string, WindowEvent, TWindow> windowed, WindowSettings settings, Func<string, TWindow, long, WindowSum> result)
        where TWindow : Window
    {
        if (settings.Count is { } count)
        {
            Trigger<TWindow> countTrigger = CountTrigger<TWindow>.Of(count);
            windowed.Trigger(settings.Purging ? PurgingTrigger<TWindow>.Of(countTrigger) : countTrigger);
        }
        else if (settings.Purging)
        {
            windowed.Trigger(PurgingTrigger<TWindow>.Of(windowed.CurrentTrigger));
        }

        if (settings.AllowedLateness is { } lateness)
        {
            windowed.AllowedLateness(lateness);
        }

        if (settings.LateData is { } tag)
        {
            windowed.SideOutputLateData(tag);
        }

        return windowed.Reduce((a, b) => a with { Value = Add(a.Value, b.Value) }, new EmitSum<TWindow>(result)).Name("Window Sum");
    }

    /// <summary>A checked 64-bit sum: an overflow fails the job (the runtime adds operator, key and window) instead of wrapping around.</summary>
    private static long Add(long sum, long value)
    {
        try
        {
            return checked(sum + value);
        }
        catch (OverflowException e)
        {
            throw new OverflowException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the sum of value overflows Int64: {sum} + {value}"), e);
        }
    }

    private static long CountOf(string trigger) =>
        trigger.StartsWith("count:", StringComparison.Ordinal) && long.TryParse(trigger.AsSpan(6), out var n) && n > 0
            ? n
            : throw new ArgumentException($"--trigger must be count:N with N > 0, got '{trigger}'.");

    private sealed record WindowSettings(TimeSpan? AllowedLateness, OutputTag<WindowEvent>? LateData, long? Count, bool Purging);

    /// <summary>Emits a window's sum (<paramref name="result"/> gets key, window and sum).</summary>
    private sealed class EmitSum<TWindow>(Func<string, TWindow, long, WindowSum> result) : ProcessWindowFunction<WindowEvent, WindowSum, string, TWindow>
        where TWindow : Window
    {
        public override void Process(string key, Context context, IEnumerable<WindowEvent> elements, ICollector<WindowSum> output)
        {
            foreach (var sum in elements)
            {
                output.Collect(result(key, context.Window, sum.Value));
            }
        }
    }

    /// <summary>Takes <c>WM,timestamp</c> lines as the watermarks.</summary>
    private sealed class PunctuatedWatermarks : IWatermarkGenerator<WindowEvent>
    {
        public void OnEvent(WindowEvent record, long timestamp, IWatermarkOutput output)
        {
            if (record.IsWatermark)
            {
                output.EmitWatermark(record.Timestamp);
            }
        }

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
        }
    }
}
