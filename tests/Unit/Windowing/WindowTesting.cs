using OrleansFlow.Execution;
using OrleansFlow.Functions;
using OrleansFlow.Windowing;

namespace OrleansFlow.Tests.Unit.Windowing;

/// <summary>Small helpers the window tests share.</summary>
internal static class WindowTesting
{
    public static TimeSpan Ms(long milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>Just the records of what a harness step emitted.</summary>
    public static List<TOut> Values<TKey, TOut>(this IEnumerable<(TKey Key, TOut Value, long Timestamp)> emitted) =>
        emitted.Select(e => e.Value).ToList();

    /// <summary>The records with their timestamps.</summary>
    public static List<(TOut Value, long Timestamp)> Timestamped<TKey, TOut>(this IEnumerable<(TKey Key, TOut Value, long Timestamp)> emitted) =>
        emitted.Select(e => (e.Value, e.Timestamp)).ToList();

    /// <summary>A window operator's count of late records it dropped (no late-data side output set).</summary>
    public static long DroppedLateRecords(IKeyedOperator op) =>
        (long)op.GetType().GetProperty("DroppedLateRecords")!.GetValue(op)!;

    /// <summary>Emits "[start,end) n=count wm=watermark" for each firing, to pin window metadata.</summary>
    public sealed class DescribeWindow<T> : ProcessWindowFunction<T, string, string, TimeWindow>
    {
        public override void Process(string key, Context context, IEnumerable<T> elements, ICollector<string> output) =>
            output.Collect($"{key} [{context.Window.Start},{context.Window.End}) n={elements.Count()} wm={context.CurrentWatermark}");
    }
}
