using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OrleansFlow.Keyed;
using OrleansFlow.Windowing;

namespace OrleansFlow.Execution;

/// <summary>The contents of one window of a key: its accumulator and its trigger's per-window state.</summary>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
[GenerateSerializer, Alias("flow.WindowPane`1")]
internal sealed class WindowPane<TAcc>
{
    [Id(0)]
    public bool HasContent { get; set; }

    [Id(1)]
    public TAcc Accumulator { get; set; } = default!;

    /// <summary>The trigger's values for this window, or null while it has none (most triggers keep none).</summary>
    [Id(2)]
    public Dictionary<string, object?>? TriggerState { get; set; }

    /// <summary>The trigger's values, created on first write.</summary>
    public Dictionary<string, object?> WritableTriggerState() => TriggerState ??= new(StringComparer.Ordinal);

    /// <summary>The accumulator, for people (<c>flow state</c>).</summary>
    public override string ToString() => HasContent ? Accumulator?.ToString() ?? "null" : "(empty)";
}

/// <summary>
/// All windows of a key, and which windows each timer belongs to: the window operator's state in a per-key grain.
/// Serializable, so checkpoints can copy it.
/// </summary>
/// <typeparam name="TWindow">Window type.</typeparam>
/// <typeparam name="TAcc">Accumulator type.</typeparam>
[GenerateSerializer, Alias("flow.WindowPanes`2")]
internal sealed class WindowPanes<TWindow, TAcc>
    where TWindow : Window
{
    [Id(0)]
    public Dictionary<TWindow, WindowPane<TAcc>> Panes { get; set; } = [];

    /// <summary>
    /// Event-time timers and the windows of each. A key has few timers at once (one or two per open window), so a
    /// sorted array list: a sorted tree allocated a node for every timer of every window.
    /// </summary>
    [Id(1)]
    public SortedList<long, HashSet<TWindow>> EventTimers { get; set; } = [];

    /// <summary>Processing-time timers, or null while there have been none (event-time windows never use them).</summary>
    [Id(2)]
    public SortedList<long, HashSet<TWindow>>? ProcessingTimers { get; set; }

    /// <summary>Whether any timer of either domain is pending.</summary>
    public bool HasTimers => EventTimers.Count > 0 || ProcessingTimers is { Count: > 0 };

    /// <summary>The open windows and their contents, for people (<c>flow state</c>): <c>{TimeWindow[0, 10): 42, ...}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", Panes.Select(p => $"{p.Key}: {p.Value}")) + "}";

    // The last two timers registered (not serialized). Every element of a window registers the trigger's timer and
    // the cleanup timer again; while no timer has been taken or deleted since, repeating a registration changes nothing.
    [NonSerialized]
    private Registered _recent0;

    [NonSerialized]
    private Registered _recent1;

    public SortedList<long, HashSet<TWindow>> Timers(TimeDomain domain) => domain == TimeDomain.EventTime ? EventTimers : ProcessingTimers ??= [];

    /// <summary>Removes the timer at <paramref name="time"/> that is firing, with its windows.</summary>
    public bool TakeTimer(TimeDomain domain, long time, [NotNullWhen(true)] out HashSet<TWindow>? windows)
    {
        ForgetRecent();
        var timers = Timers(domain);
        if (!timers.TryGetValue(time, out windows))
        {
            return false;
        }

        timers.Remove(time);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public WindowPane<TAcc> Pane(TWindow window)
    {
        if (!Panes.TryGetValue(window, out var pane))
        {
            pane = SpareObjects<WindowPane<TAcc>>.TryTake() ?? new WindowPane<TAcc>();
            Panes.Add(window, pane);
        }

        return pane;
    }

    /// <summary>
    /// Removes a window's pane and keeps it, emptied, for the next window opened on this thread. Returns the pane's
    /// accumulator (the caller may recycle it), or default when the pane had no content or there was none.
    /// </summary>
    public TAcc? RemovePane(TWindow window)
    {
        if (!Panes.Remove(window, out var pane))
        {
            return default;
        }

        var accumulator = pane.HasContent ? pane.Accumulator : default;
        pane.HasContent = false;
        pane.Accumulator = default!;
        pane.TriggerState = null;
        SpareObjects<WindowPane<TAcc>>.Keep(pane);
        return accumulator;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Register(TimeDomain domain, long time, TWindow window, KeyTimers keyTimers)
    {
        if (_recent0.Is(domain, time, window) || _recent1.Is(domain, time, window))
        {
            return;
        }

        _recent1 = _recent0;
        _recent0 = new Registered(domain, time, window);
        var timers = Timers(domain);
        if (!timers.TryGetValue(time, out var windows))
        {
            windows = SpareObjects<HashSet<TWindow>>.TryTake() ?? [];
            timers.Add(time, windows);
        }

        if (windows.Add(window) && windows.Count == 1)
        {
            keyTimers.Register(time, domain); // the key's timer at this time is new (later windows share it)
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Delete(TimeDomain domain, long time, TWindow window, KeyTimers keyTimers)
    {
        ForgetRecent();
        var timers = Timers(domain);
        if (timers.TryGetValue(time, out var windows) && windows.Remove(window) && windows.Count == 0)
        {
            timers.Remove(time);
            keyTimers.Delete(time, domain);
            Recycle(windows);
        }
    }

    private void ForgetRecent()
    {
        _recent0 = default;
        _recent1 = default;
    }

    /// <summary>
    /// Keeps a window set that was taken out of the timers (and is referenced nowhere else) for the next timer
    /// registered on this thread: every window of every key registers one, so this saves a set per window.
    /// </summary>
    public static void Recycle(HashSet<TWindow> windows)
    {
        windows.Clear();
        SpareObjects<HashSet<TWindow>>.Keep(windows);
    }

    private readonly record struct Registered(TimeDomain Domain, long Time, TWindow? Window)
    {
        public bool Is(TimeDomain domain, long time, TWindow window) =>
            Window is not null && Time == time && Domain == domain && (ReferenceEquals(Window, window) || Window.Equals(window));
    }
}
