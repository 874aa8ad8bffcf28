using OrleansFlow.Windowing;

namespace OrleansFlow.Examples;

/// <summary>A window given on the command line: <c>tumbling:SIZE[:OFFSET]</c>, <c>sliding:SIZE:SLIDE[:OFFSET]</c>, <c>session:GAP</c> or <c>global</c>.</summary>
/// <param name="Assigner">The time-window assigner, or null for the global window.</param>
public sealed record WindowSpec(WindowAssigner<TimeWindow>? Assigner)
{
    /// <summary>Whether this is the global window.</summary>
    public bool IsGlobal => Assigner is null;

    /// <summary>
    /// Throws a <see cref="WindowAssignmentException"/> when <paramref name="element"/>'s timestamp would have no
    /// window (its window would pass the range of a 64-bit time), so a source can reject it as a bad record with its
    /// line number instead of the window operator failing the job later. Only timestamps beyond ±2^62 ms are asked.
    /// </summary>
    public WindowEvent CheckHasWindow(WindowEvent element)
    {
        if (Assigner is not null && !element.IsWatermark && element.Timestamp is > 1L << 62 or < -(1L << 62))
        {
            Assigner.AssignWindows(element.Timestamp, element.Timestamp);
        }

        return element;
    }

    /// <summary>Parses a window spec; errors name the spec.</summary>
    public static WindowSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        TimeSpan D(int i, string what) => Durations.Parse(parts[i], $"--window {spec}: {what}");
        try
        {
            return parts switch
            {
                ["tumbling", _] => new(TumblingEventTimeWindows.Of(D(1, "size"))),
                ["tumbling", _, _] => new(TumblingEventTimeWindows.Of(D(1, "size"), D(2, "offset"))),
                ["sliding", _, _] => new(SlidingEventTimeWindows.Of(D(1, "size"), D(2, "slide"))),
                ["sliding", _, _, _] => new(SlidingEventTimeWindows.Of(D(1, "size"), D(2, "slide"), D(3, "offset"))),
                ["session", _] => new(EventTimeSessionWindows.WithGap(D(1, "gap"))),
                ["global"] => new((WindowAssigner<TimeWindow>?)null),
                _ => throw new ArgumentException($"--window '{spec}' is not tumbling:SIZE[:OFFSET], sliding:SIZE:SLIDE[:OFFSET], session:GAP or global."),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--window {spec}: {e.Message}", e);
        }
    }
}
