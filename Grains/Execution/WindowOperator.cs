using System.Runtime.CompilerServices;
using OrleansFlow.Graph;
using OrleansFlow.Functions;
using OrleansFlow.Keyed;
using OrleansFlow.State;
using OrleansFlow.Windowing;

namespace OrleansFlow.Execution;

/// <summary>
/// Flink's WindowOperator for one key, run inside the key's per-key grain. For each element: assign windows
/// (merging sessions first), skip windows that are late (cleanup time at or before the watermark), add the element
/// to the rest and ask the trigger; an element late for every window goes to the late side output (or is counted
/// as dropped). Windows are [start, end); event-time windows fire when the watermark reaches end − 1, and their
/// state is dropped at end − 1 + allowed lateness. Output records carry the window's max timestamp.
/// </summary>
internal sealed class WindowOperator<TKey, TIn, TAcc, TOut, TWindow>(
    string name,
    WindowAssigner<TWindow> assigner,
    Trigger<TWindow> trigger,
    long allowedLateness,
    OutputTag<TIn>? lateDataTag,
    WindowLogic<TKey, TIn, TAcc, TOut, TWindow> logic)
    : KeyedOperator<TKey, TIn, TOut>(name)
    where TKey : notnull
    where TWindow : Window
{
    public const string StateName = "windows";

    [ThreadStatic]
    private static WindowPanes<TWindow, TAcc>? t_spareState;

    private long _droppedLateRecords;

    /// <summary>Late records dropped because no late-data side output was set (this silo).</summary>
    public long DroppedLateRecords => Interlocked.Read(ref _droppedLateRecords);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ProcessElement(TIn value, KeyContext<TKey> context, ICollector<TOut> output)
    {
        long timestamp;
        if (context.Timestamp is { } assigned)
        {
            timestamp = assigned;
        }
        else if (assigner.IsEventTime)
        {
            throw new InvalidOperationException("The record has no event timestamp; assign timestamps and watermarks before an event-time window.");
        }
        else
        {
            timestamp = long.MinValue;
        }

        var state = State(context);
        var skipped = true;
        var windows = assigner.AssignWindows(timestamp, context.CurrentProcessingTime);
        for (var w = 0; w < windows.Count; w++)
        {
            var assignedWindow = windows[w];
            var window = assigner is MergingWindowAssigner<TWindow> merging
                ? AddAndMerge(merging, assignedWindow, state, context, output)
                : assignedWindow;
            if (IsLate(window, context.CurrentWatermark))
            {
                if (state.Panes.TryGetValue(window, out var lonely) && !lonely.HasContent)
                {
                    state.Panes.Remove(window);
                }

                continue;
            }

            skipped = false;
            var pane = state.Pane(window);
            pane.Accumulator = Add(value, pane, window, context);
            pane.HasContent = true;
            var element = trigger.ReadsElements ? (object?)value : null;
            var result = trigger.OnElement(element, timestamp, window, Reused(context).Reset(state, window, context, pane));
            if (result != TriggerResult.Continue)
            {
                Act(result, window, state, context, output);
            }

            RegisterCleanupTimer(window, state, context);
        }

        if (skipped && assigner.IsEventTime && timestamp + allowedLateness <= context.CurrentWatermark)
        {
            if (lateDataTag is not null)
            {
                ((ISideOutputs)output).Side(lateDataTag, value);
            }
            else
            {
                Interlocked.Increment(ref _droppedLateRecords);
            }
        }
    }

    /// <summary>Merges two session panes into <paramref name="cover"/>; a failure names the key and the merged window.</summary>
    private TAcc Merge(TAcc a, TAcc b, TWindow cover, KeyContext<TKey> context)
    {
        try
        {
            return logic.Merge(a, b);
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(context.Key)}', window {cover}");
        }
    }

    /// <summary>Adds the element to the pane; a failure (a sum that overflows, say) names the key and the window.</summary>
    private TAcc Add(TIn value, WindowPane<TAcc> pane, TWindow window, KeyContext<TKey> context)
    {
        try
        {
            return logic.Add(value, pane.HasContent ? pane.Accumulator : logic.Create());
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(Name, e).At($"key '{KeyFormat.Format(context.Key)}', window {window}");
        }
    }

    protected override void OnTimer(long time, TimeDomain domain, KeyContext<TKey> context, ICollector<TOut> output)
    {
        var state = State(context);
        if (!state.TakeTimer(domain, time, out var windows))
        {
            return;
        }

        if (windows.Count == 1)
        {
            // The set is out of the timers, so firing (which may register or delete timers) cannot change it.
            foreach (var window in windows)
            {
                OnTimer(time, domain, window, state, context, output);
            }
        }
        else
        {
            foreach (var window in windows.ToArray())
            {
                OnTimer(time, domain, window, state, context, output);
            }
        }

        WindowPanes<TWindow, TAcc>.Recycle(windows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnTimer(long time, TimeDomain domain, TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context, ICollector<TOut> output)
    {
        if (assigner is MergingWindowAssigner<TWindow> && !state.Panes.ContainsKey(window))
        {
            return; // merged into another window meanwhile
        }

        var triggerContext = Reused(context).Reset(state, window, context, state.Panes.GetValueOrDefault(window));
        var result = domain == TimeDomain.EventTime
            ? trigger.OnEventTime(time, window, triggerContext)
            : trigger.OnProcessingTime(time, window, triggerContext);
        Act(result, window, state, context, output);
        var cleanupDomain = assigner.IsEventTime ? TimeDomain.EventTime : TimeDomain.ProcessingTime;
        if (domain == cleanupDomain && time == CleanupTime(window))
        {
            ClearAll(window, state, context);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Act(TriggerResult result, TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context, ICollector<TOut> output)
    {
        if (!state.Panes.TryGetValue(window, out var pane))
        {
            return;
        }

        if (result.IsFire() && pane.HasContent)
        {
            var builder = (KeyedOutputBuilder<TOut>)output;
            var previous = builder.Timestamp;
            builder.Timestamp = window.MaxTimestamp;
            logic.Emit(context.Key, window, pane.Accumulator, Reused(context).EmitContext(window, context, builder), output);
            builder.Timestamp = previous;
        }

        if (result.IsPurge())
        {
            pane.HasContent = false;
            pane.Accumulator = default!;
        }
    }

    /// <summary>Adds a new session window, merging every pane it overlaps or touches; returns the window it ended up in.</summary>
    private TWindow AddAndMerge(MergingWindowAssigner<TWindow> merging, TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context, ICollector<TOut> output)
    {
        var result = window;
        foreach (var (cover, group) in merging.MergeWindows(state.Panes.Keys.Append(window).ToArray()))
        {
            var existing = group.Where(w => state.Panes.ContainsKey(w)).Distinct().ToList();
            if (group.Contains(window))
            {
                result = cover;
            }

            if (existing.Count == 1 && existing[0].Equals(cover))
            {
                continue; // the new window lies inside an existing one
            }

            var mergedPane = new WindowPane<TAcc>();
            var mergedTriggerStates = new List<Dictionary<string, object?>>();
            foreach (var old in existing)
            {
                var pane = state.Panes[old];
                if (pane.HasContent)
                {
                    mergedPane.Accumulator = mergedPane.HasContent ? Merge(mergedPane.Accumulator, pane.Accumulator, cover, context) : pane.Accumulator;
                    mergedPane.HasContent = true;
                }

                if (pane.TriggerState is { } triggerState)
                {
                    mergedTriggerStates.Add(triggerState);
                }
            }

            state.Panes[cover] = mergedPane;
            trigger.OnMerge(cover, new TriggerContext(state, cover, context) { MergedStates = mergedTriggerStates });
            foreach (var old in existing.Where(w => !w.Equals(cover)))
            {
                trigger.Clear(old, new TriggerContext(state, old, context, state.Panes[old]));
                DeleteCleanupTimer(old, state, context);
                state.Panes.Remove(old);
            }
        }

        return result;
    }

    private void ClearAll(TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context)
    {
        if (state.Panes.TryGetValue(window, out var pane))
        {
            trigger.Clear(window, Reused(context).Reset(state, window, context, pane));
            if (state.RemovePane(window) is { } accumulator)
            {
                logic.Release(accumulator);
            }
        }

        DeleteCleanupTimer(window, state, context);
        if (state.Panes.Count == 0 && !state.HasTimers)
        {
            KeyedStateStore.Current.Remove(StateName);
            Reused(context).Panes = null;
            t_spareState = state; // empty and referenced nowhere else now: the next key to open a window reuses it
        }
    }

    private bool IsLate(TWindow window, long watermark) => assigner.IsEventTime && CleanupTime(window) <= watermark;

    private long CleanupTime(TWindow window) =>
        assigner.IsEventTime
            ? (window.MaxTimestamp > long.MaxValue - allowedLateness ? long.MaxValue : window.MaxTimestamp + allowedLateness)
            : window.MaxTimestamp;

    private void RegisterCleanupTimer(TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context)
    {
        var time = CleanupTime(window);
        if (time != long.MaxValue)
        {
            state.Register(assigner.IsEventTime ? TimeDomain.EventTime : TimeDomain.ProcessingTime, time, window, context.Timers);
        }
    }

    private void DeleteCleanupTimer(TWindow window, WindowPanes<TWindow, TAcc> state, KeyContext<TKey> context)
    {
        var time = CleanupTime(window);
        if (time != long.MaxValue)
        {
            state.Delete(assigner.IsEventTime ? TimeDomain.EventTime : TimeDomain.ProcessingTime, time, window, context.Timers);
        }
    }

    /// <summary>The trigger context of this call, reused for each element and timer (triggers must not keep it).</summary>
    private static TriggerContext Reused(KeyContext<TKey> context)
    {
        if (context.Scratch is not TriggerContext reused)
        {
            reused = new TriggerContext();
            context.Scratch = reused;
        }

        return reused;
    }

    /// <summary>
    /// The key's windows. A key whose last window closed drops its state, and most keys open a window again soon:
    /// the emptied state object (its tables keep their capacity) is kept per thread and given to the next key that
    /// needs one.
    /// </summary>
    /// <remarks>Looked up once per call (kept with the call's reused trigger context) rather than once per element.</remarks>
    private static WindowPanes<TWindow, TAcc> State(KeyContext<TKey> context)
    {
        var call = Reused(context);
        return call.Panes ??= KeyedStateStore.Current.GetOrAdd(StateName, static () =>
        {
            var spare = t_spareState;
            t_spareState = null;
            return spare ?? new WindowPanes<TWindow, TAcc>();
        });
    }

    /// <summary>
    /// Timers and per-window state for triggers, scoped to one window of the key. One instance per call is reused
    /// (<see cref="Reset"/>) for every element and timer; merges build their own.
    /// </summary>
    private sealed class TriggerContext : IOnMergeContext
    {
        private WindowPanes<TWindow, TAcc> _state = null!;
        private TWindow _window = null!;
        private KeyContext<TKey> _context = null!;
        private WindowEmitContext<TWindow>? _emit;

        public TriggerContext()
        {
        }

        public TriggerContext(WindowPanes<TWindow, TAcc> state, TWindow window, KeyContext<TKey> context, WindowPane<TAcc>? pane = null) =>
            Reset(state, window, context, pane ?? state.Panes.GetValueOrDefault(window));

        public WindowPane<TAcc>? Pane { get; private set; }

        public List<Dictionary<string, object?>>? MergedStates { get; init; }

        /// <summary>The key's window state during this call (null until looked up, and again once dropped).</summary>
        public WindowPanes<TWindow, TAcc>? Panes { get; set; }

        /// <summary>The call's emit context (kept with the reused trigger context), pointed at <paramref name="firing"/>.</summary>
        public WindowEmitContext<TWindow> EmitContext(TWindow firing, KeyContext<TKey> keyContext, ISideOutputs sideOutputs) =>
            _emit is null
                ? _emit = new WindowEmitContext<TWindow>(firing, keyContext.CurrentWatermark, keyContext.CurrentProcessingTime, sideOutputs)
                : _emit.MoveTo(firing, keyContext.CurrentWatermark);

        /// <summary>Scopes this context to <paramref name="scopeWindow"/>, whose pane is <paramref name="pane"/> (null if it has none).</summary>
        public TriggerContext Reset(WindowPanes<TWindow, TAcc> scopeState, TWindow scopeWindow, KeyContext<TKey> keyContext, WindowPane<TAcc>? pane)
        {
            _state = scopeState;
            _window = scopeWindow;
            _context = keyContext;
            Pane = pane;
            return this;
        }

        public long CurrentWatermark => _context.CurrentWatermark;

        public long CurrentProcessingTime => _context.CurrentProcessingTime;

        public void RegisterEventTimeTimer(long time) => _state.Register(TimeDomain.EventTime, time, _window, _context.Timers);

        public void RegisterProcessingTimeTimer(long time) => _state.Register(TimeDomain.ProcessingTime, time, _window, _context.Timers);

        public void DeleteEventTimeTimer(long time) => _state.Delete(TimeDomain.EventTime, time, _window, _context.Timers);

        public void DeleteProcessingTimeTimer(long time) => _state.Delete(TimeDomain.ProcessingTime, time, _window, _context.Timers);

        public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) =>
            new PaneValueState<T>(Pane ?? _state.Pane(_window), descriptor.Name);

        public void MergeState<T>(ValueStateDescriptor<T> descriptor, Func<T, T, T> merge)
        {
            var values = (MergedStates ?? []).Where(s => s.ContainsKey(descriptor.Name)).Select(s => (T)s[descriptor.Name]!).ToList();
            if (values.Count > 0)
            {
                GetState(descriptor).Update(values.Aggregate(merge));
            }
        }
    }

    /// <summary>A trigger's value state, kept in its window's pane.</summary>
    private sealed class PaneValueState<T>(WindowPane<TAcc> pane, string name) : IValueState<T>
    {
        public bool HasValue => pane.TriggerState?.ContainsKey(name) == true;

        public T? Value => TryGetValue(out var value) ? value : default;

        public bool TryGetValue([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        {
            if (pane.TriggerState is { } values && values.TryGetValue(name, out var stored))
            {
                value = (T)stored!;
                return true;
            }

            value = default;
            return false;
        }

        public void Update(T value) => pane.WritableTriggerState()[name] = value;

        public void Clear() => pane.TriggerState?.Remove(name);
    }
}
