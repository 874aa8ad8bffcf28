using OrleansFlow.Keyed;
using OrleansFlow.Windowing;

namespace OrleansFlow.Execution;

/// <summary>The contents of one window of a key: its accumulator and its trigger's per-window state.</summary>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
[GenerateSerializer]
internal sealed class WindowPane<TAcc>
{
    [Id(0)]
    public bool HasContent { get; set; }

    [Id(1)]
    public TAcc Accumulator { get; set; } = default!;

    [Id(2)]
    public Dictionary<string, object?> TriggerState { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The accumulator, for people (<c>flow state</c>).</summary>
    public override string ToString() => HasContent ? Accumulator?.ToString() ?? "null" : "(empty)";
}

/// <summary>
/// All windows of a key, and which windows each timer belongs to: the window operator's state in a per-key grain.
/// Serializable, so checkpoints can copy it.
/// </summary>
/// <typeparam name="TWindow">Window type.</typeparam>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
[GenerateSerializer]
internal sealed class WindowPanes<TWindow, TAcc>
    where TWindow : Window
{
    [Id(0)]
    public Dictionary<TWindow, WindowPane<TAcc>> Panes { get; set; } = [];

    [Id(1)]
    public SortedDictionary<long, HashSet<TWindow>> EventTimers { get; set; } = [];

    [Id(2)]
    public SortedDictionary<long, HashSet<TWindow>> ProcessingTimers { get; set; } = [];

    /// <summary>The open windows and their contents, for people (<c>flow state</c>): <c>{TimeWindow[0, 10): 42, ...}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", Panes.Select(p => $"{p.Key}: {p.Value}")) + "}";

    public SortedDictionary<long, HashSet<TWindow>> Timers(TimeDomain domain) => domain == TimeDomain.EventTime ? EventTimers : ProcessingTimers;

    public WindowPane<TAcc> Pane(TWindow window)
    {
        if (!Panes.TryGetValue(window, out var pane))
        {
            pane = new WindowPane<TAcc>();
            Panes.Add(window, pane);
        }

        return pane;
    }

    public void Register(TimeDomain domain, long time, TWindow window, KeyTimers keyTimers)
    {
        var timers = Timers(domain);
        if (!timers.TryGetValue(time, out var windows))
        {
            windows = [];
            timers.Add(time, windows);
        }

        if (windows.Add(window) && windows.Count == 1)
        {
            keyTimers.Register(time, domain); // the key's timer at this time is new (later windows share it)
        }
    }

    public void Delete(TimeDomain domain, long time, TWindow window, KeyTimers keyTimers)
    {
        var timers = Timers(domain);
        if (timers.TryGetValue(time, out var windows) && windows.Remove(window) && windows.Count == 0)
        {
            timers.Remove(time);
            keyTimers.Delete(time, domain);
        }
    }
}
