using System.Runtime.CompilerServices;

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
    /// <exception cref="WindowAssignmentException">The session's end would pass <see cref="long.MaxValue"/>.</exception>
    public override IReadOnlyList<TimeWindow> AssignWindows(long timestamp, long currentProcessingTime) => [SessionMerging.Open(timestamp, _gap)];

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
        [SessionMerging.Open(currentProcessingTime, _gap)];

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

/// <summary>How many recent answers the tumbling and sliding assigners keep.</summary>
internal static class RecentWindows
{
    /// <summary>Slots, indexed by window number: more than the windows a keyed batch usually spans.</summary>
    public const int Slots = 256;
}

/// <summary>The window arithmetic tumbling assigners share.</summary>
internal sealed class TumblingWindows
{
    private readonly long _size;
    private readonly long _offset;
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<TimeWindow>?[] _recent = new System.Collections.ObjectModel.ReadOnlyCollection<TimeWindow>?[RecentWindows.Slots];

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
    /// <remarks>
    /// Per-key calls go through a batch's event times key by key, so the same few dozen windows come up again and
    /// again: recent answers are kept in a small table indexed by window number and handed out again (windows are
    /// immutable and the lists read-only). Each slot is one reference, read and replaced atomically, so concurrent
    /// callers at worst build a window again.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<TimeWindow> Assign(long time)
    {
        var start = WindowChecks.Start(time, _offset, _size, _size, "tumbling");
        var slot = (int)((ulong)(start / _size) % (ulong)_recent.Length);
        var recent = _recent[slot];
        if (recent is null || recent[0].Start != start)
        {
            recent = Array.AsReadOnly([new TimeWindow(start, start + _size)]);
            _recent[slot] = recent;
        }

        return recent;
    }
}

/// <summary>The window arithmetic sliding assigners share.</summary>
internal sealed class SlidingWindows
{
    private readonly long _size;
    private readonly long _slide;
    private readonly long _offset;
    private readonly Recent?[] _recent = new Recent?[RecentWindows.Slots];

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
    /// <remarks>Recent answers are kept and handed out again, as for tumbling windows.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<TimeWindow> Assign(long time)
    {
        if (time < long.MinValue + _size + _slide)
        {
            throw WindowAssignmentException.OutOfRange(time, "sliding", _size); // its earliest windows would start before the range
        }

        var latest = WindowChecks.Start(time, _offset, _slide, _size, "sliding");
        var slot = (int)((ulong)(latest / _slide) % (ulong)_recent.Length);
        var recent = _recent[slot];
        if (recent is not null && recent.Latest == latest && recent.Earliest > time - _size && !(recent.Earliest - _slide > time - _size))
        {
            return recent.Windows; // the loop below would produce exactly these windows
        }

        var windows = new List<TimeWindow>((int)Math.Min(_size / _slide + 1, 1024));
        for (var start = latest; start > time - _size; start -= _slide)
        {
            windows.Add(new TimeWindow(start, start + _size));
        }

        var answer = windows.AsReadOnly();
        if (windows.Count > 0)
        {
            _recent[slot] = new Recent(latest, windows[^1].Start, answer);
        }

        return answer;
    }

    private sealed record Recent(long Latest, long Earliest, IReadOnlyList<TimeWindow> Windows);
}

/// <summary>Merges session windows that overlap or touch, as Flink's TimeWindow.mergeWindows.</summary>
internal static class SessionMerging
{
    /// <summary>The session [time, time + gap) an element opens.</summary>
    public static TimeWindow Open(long time, long gap) =>
        time <= long.MaxValue - gap ? new TimeWindow(time, time + gap) : throw WindowAssignmentException.OutOfRange(time, "session", gap);

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

    /// <summary>
    /// The start of the window of <paramref name="length"/> that holds <paramref name="time"/> on the grid
    /// <c>offset + k * step</c>, or a <see cref="WindowAssignmentException"/> when its start or end is not a 64-bit time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Start(long time, long offset, long step, long length, string kind)
    {
        var remainder = ((time % step) - (offset % step)) % step; // (time - offset) % step without overflow near the range's ends
        var back = remainder < 0 ? remainder + step : remainder;
        if (time < long.MinValue + back || time - back > long.MaxValue - length)
        {
            throw WindowAssignmentException.OutOfRange(time, kind, length);
        }

        return time - back;
    }

    public static long Size(long value, string what = "window size") =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"The {what} must be positive (got {value} ms).");
}
