namespace OrleansFlow.Windowing;

/// <summary>Puts each element into zero or more windows, as Flink's WindowAssigner.</summary>
/// <typeparam name="TWindow">Window type.</typeparam>
public abstract class WindowAssigner<TWindow>
    where TWindow : Window
{
    /// <summary>The windows an element with <paramref name="timestamp"/> belongs to.</summary>
    public abstract IReadOnlyList<TWindow> AssignWindows(long timestamp, long currentProcessingTime);

    /// <summary>The trigger used unless another is set.</summary>
    public abstract Trigger<TWindow> DefaultTrigger { get; }

    /// <summary>Whether windows follow event time (so lateness and watermarks apply).</summary>
    public abstract bool IsEventTime { get; }
}

/// <summary>An assigner whose windows can merge (sessions).</summary>
/// <typeparam name="TWindow">Window type.</typeparam>
public abstract class MergingWindowAssigner<TWindow> : WindowAssigner<TWindow>
    where TWindow : Window
{
    /// <summary>Groups of windows to merge, each with the window that replaces them (groups of one are left out).</summary>
    public abstract IReadOnlyList<(TWindow Result, IReadOnlyList<TWindow> Merged)> MergeWindows(IEnumerable<TWindow> windows);
}

/// <summary>Non-overlapping windows of a fixed size, aligned to the epoch plus an offset.</summary>
public sealed class TumblingEventTimeWindows : WindowAssigner<TimeWindow>
{
    private readonly TumblingWindows _windows;

    private TumblingEventTimeWindows(long size, long offset) => _windows = new TumblingWindows(size, offset);

    /// <summary>Windows of <paramref name="size"/>, shifted by <paramref name="offset"/> (e.g. a time zone).</summary>
    public static TumblingEventTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(WindowChecks.Ms(size), WindowChecks.Ms(offset));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => _windows.Assign(timestamp);

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => EventTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => true;
}

/// <summary>Windows of a fixed size starting every <c>slide</c>; an element belongs to size/slide windows.</summary>
public sealed class SlidingEventTimeWindows : WindowAssigner<TimeWindow>
{
    private readonly SlidingWindows _windows;

    private SlidingEventTimeWindows(long size, long slide, long offset) => _windows = new SlidingWindows(size, slide, offset);

    /// <summary>Windows of <paramref name="size"/> every <paramref name="slide"/>, shifted by <paramref name="offset"/>.</summary>
    public static SlidingEventTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) =>
        new(WindowChecks.Ms(size), WindowChecks.Ms(slide), WindowChecks.Ms(offset));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => _windows.Assign(timestamp);

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => EventTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => true;
}

/// <summary>Sessions: an element opens [t, t + gap); windows that overlap or touch merge.</summary>
public sealed class EventTimeSessionWindows : MergingWindowAssigner<TimeWindow>
{
    private readonly long _gap;

    private EventTimeSessionWindows(long gap) => _gap = WindowChecks.Size(gap, "session gap");

    /// <summary>Sessions closed by <paramref name="gap"/> of inactivity.</summary>
    public static EventTimeSessionWindows WithGap(TimeSpan gap) => new(WindowChecks.Ms(gap));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => [new TimeWindow(timestamp, timestamp + _gap)];

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => EventTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override IReadOnlyList<(TimeWindow Result, IReadOnlyList<TimeWindow> Merged)> MergeWindows(IEnumerable<TimeWindow> windows) =>
        SessionMerging.Merge(windows);
}

/// <summary>Tumbling windows on the wall clock of the operator.</summary>
public sealed class TumblingProcessingTimeWindows : WindowAssigner<TimeWindow>
{
    private readonly TumblingWindows _windows;

    private TumblingProcessingTimeWindows(long size, long offset) => _windows = new TumblingWindows(size, offset);

    /// <summary>Windows of <paramref name="size"/> on the wall clock.</summary>
    public static TumblingProcessingTimeWindows Of(TimeSpan size, TimeSpan offset = default) => new(WindowChecks.Ms(size), WindowChecks.Ms(offset));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => _windows.Assign(currentProcessingTime);

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => false;
}

/// <summary>Sliding windows on the wall clock of the operator.</summary>
public sealed class SlidingProcessingTimeWindows : WindowAssigner<TimeWindow>
{
    private readonly SlidingWindows _windows;

    private SlidingProcessingTimeWindows(long size, long slide, long offset) => _windows = new SlidingWindows(size, slide, offset);

    /// <summary>Windows of <paramref name="size"/> every <paramref name="slide"/> on the wall clock.</summary>
    public static SlidingProcessingTimeWindows Of(TimeSpan size, TimeSpan slide, TimeSpan offset = default) =>
        new(WindowChecks.Ms(size), WindowChecks.Ms(slide), WindowChecks.Ms(offset));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => _windows.Assign(currentProcessingTime);

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => false;
}

/// <summary>Sessions on the wall clock.</summary>
public sealed class ProcessingTimeSessionWindows : MergingWindowAssigner<TimeWindow>
{
    private readonly long _gap;

    private ProcessingTimeSessionWindows(long gap) => _gap = WindowChecks.Size(gap, "session gap");

    /// <summary>Sessions closed by <paramref name="gap"/> of wall-clock inactivity.</summary>
    public static ProcessingTimeSessionWindows WithGap(TimeSpan gap) => new(WindowChecks.Ms(gap));

    /// <inheritdoc />
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) =>
        [new TimeWindow(currentProcessingTime, currentProcessingTime + _gap)];

    /// <inheritdoc />
    public override Trigger<TimeWindow> DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override IReadOnlyList<(TimeWindow Result, IReadOnlyList<TimeWindow> Merged)> MergeWindows(IEnumerable<TimeWindow> windows) =>
        SessionMerging.Merge(windows);
}

/// <summary>One window per key holding all its elements.</summary>
public sealed class GlobalWindows : WindowAssigner<GlobalWindow>
{
    private readonly Trigger<GlobalWindow> _trigger;

    private GlobalWindows(Trigger<GlobalWindow> trigger) => _trigger = trigger;

    /// <summary>Global windows whose default trigger never fires (as Flink); set a trigger, e.g. a count trigger.</summary>
    public static GlobalWindows Create() => new(new NeverTrigger());

    /// <summary>Global windows that fire once when the input ends.</summary>
    public static GlobalWindows CreateWithEndOfStreamTrigger() => new(new EndOfStreamTrigger());

    /// <inheritdoc />
    public override IReadOnlyList<GlobalWindow> AssignWindows(long timestamp, long currentProcessingTime) => [GlobalWindow.Instance];

    /// <inheritdoc />
    public override Trigger<GlobalWindow> DefaultTrigger => _trigger;

    /// <inheritdoc />
    public override bool IsEventTime => false;
}

/// <summary>The window arithmetic tumbling assigners share.</summary>
internal sealed class TumblingWindows
{
    private readonly long _size;
    private readonly long _offset;

    public TumblingWindows(long size, long offset)
    {
        WindowChecks.Size(size);
        if (Math.Abs(offset) >= size)
        {
            throw new ArgumentException($"A tumbling window's offset must be smaller than its size in absolute value (size {size} ms, offset {offset} ms).");
        }

        _size = size;
        _offset = offset;
    }

    /// <summary>The one window [start, start + size) with start = offset + k * size that holds the time.</summary>
    public IReadOnlyList<TimeWindow> Assign(long time)
    {
        var start = TimeWindow.WindowStart(time, _offset, _size);
        return [new TimeWindow(start, start + _size)];
    }
}

/// <summary>The window arithmetic sliding assigners share.</summary>
internal sealed class SlidingWindows
{
    private readonly long _size;
    private readonly long _slide;
    private readonly long _offset;

    public SlidingWindows(long size, long slide, long offset)
    {
        WindowChecks.Size(size);
        WindowChecks.Size(slide, "slide");
        if (Math.Abs(offset) >= slide)
        {
            throw new ArgumentException($"A sliding window's offset must be smaller than its slide in absolute value (slide {slide} ms, offset {offset} ms).");
        }

        _size = size;
        _slide = slide;
        _offset = offset;
    }

    /// <summary>Every window [start, start + size) with start = offset + k * slide that holds the time, latest first.</summary>
    public IReadOnlyList<TimeWindow> Assign(long time)
    {
        var windows = new List<TimeWindow>((int)Math.Min(_size / _slide + 1, 1024));
        for (var start = TimeWindow.WindowStart(time, _offset, _slide); start > time - _size; start -= _slide)
        {
            windows.Add(new TimeWindow(start, start + _size));
        }

        return windows;
    }
}

/// <summary>Merges session windows that overlap or touch, as Flink's TimeWindow.mergeWindows.</summary>
internal static class SessionMerging
{
    public static IReadOnlyList<(TimeWindow Result, IReadOnlyList<TimeWindow> Merged)> Merge(IEnumerable<TimeWindow> windows)
    {
        var result = new List<(TimeWindow, IReadOnlyList<TimeWindow>)>();
        TimeWindow? cover = null;
        List<TimeWindow> group = [];
        foreach (var window in windows.OrderBy(w => w.Start).ThenBy(w => w.End))
        {
            if (cover is not null && cover.Intersects(window))
            {
                cover = cover.Cover(window);
                group.Add(window);
                continue;
            }

            if (group.Count > 1)
            {
                result.Add((cover!, group));
            }

            cover = window;
            group = [window];
        }

        if (group.Count > 1)
        {
            result.Add((cover!, group));
        }

        return result;
    }
}

/// <summary>Argument checks shared by the assigners.</summary>
internal static class WindowChecks
{
    public static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    public static long Size(long value, string what = "window size") =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"The {what} must be positive (got {value} ms).");
}
