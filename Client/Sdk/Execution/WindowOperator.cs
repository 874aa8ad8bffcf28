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

    private long _droppedLateRecords;

    /// <summary>Late records dropped because no late-data side output was set (this silo).</summary>
    public long DroppedLateRecords => Interlocked.Read(ref _droppedLateRecords);

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

        var state = State();
        var skipped = true;
        foreach (var assignedWindow in assigner.AssignWindows(timestamp, context.CurrentProcessingTime))
        {
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
            pane.Accumulator = logic.Add(value, pane.HasContent ? pane.Accumulator : logic.Create());
            pane.HasContent = true;
            var result = trigger.OnElement(value, timestamp, window, new TriggerContext(state, window, context));
            Act(result, window, state, context, output);
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

    protected override void OnTimer(long time, TimeDomain domain, KeyContext<TKey> context, ICollector<TOut> output)
    {
        var state = State();
        var timers = state.Timers(domain);
        if (!timers.Remove(time, out var windows))
        {
            return;
        }

        foreach (var window in windows.ToArray())
        {
            if (assigner is MergingWindowAssigner<TWindow> && !state.Panes.ContainsKey(window))
            {
                continue; // merged into another window meanwhile
            }

            var triggerContext = new TriggerContext(state, window, context);
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
    }

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
            logic.Emit(context.Key, window, pane.Accumulator, new WindowEmitContext<TWindow>(window, context.CurrentWatermark, context.CurrentProcessingTime, builder), output);
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
                    mergedPane.Accumulator = mergedPane.HasContent ? logic.Merge(mergedPane.Accumulator, pane.Accumulator) : pane.Accumulator;
                    mergedPane.HasContent = true;
                }

                mergedTriggerStates.Add(pane.TriggerState);
            }

            state.Panes[cover] = mergedPane;
            trigger.OnMerge(cover, new TriggerContext(state, cover, context) { MergedStates = mergedTriggerStates });
            foreach (var old in existing.Where(w => !w.Equals(cover)))
            {
                trigger.Clear(old, new TriggerContext(state, old, context) { Pane = state.Panes[old] });
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
            trigger.Clear(window, new TriggerContext(state, window, context) { Pane = pane });
            state.Panes.Remove(window);
        }

        DeleteCleanupTimer(window, state, context);
        if (state.Panes.Count == 0 && state.EventTimers.Count == 0 && state.ProcessingTimers.Count == 0)
        {
            KeyedStateStore.Current.Remove(StateName);
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

    private static WindowPanes<TWindow, TAcc> State() => KeyedStateStore.Current.GetOrAdd(StateName, static () => new WindowPanes<TWindow, TAcc>());

    /// <summary>Timers and per-window state for triggers, scoped to one window of the key.</summary>
    private sealed class TriggerContext(WindowPanes<TWindow, TAcc> state, TWindow window, KeyContext<TKey> context)
        : IOnMergeContext
    {
        public WindowPane<TAcc>? Pane { get; init; } = state.Panes.GetValueOrDefault(window);

        public List<Dictionary<string, object?>>? MergedStates { get; init; }

        public long CurrentWatermark => context.CurrentWatermark;

        public long CurrentProcessingTime => context.CurrentProcessingTime;

        public void RegisterEventTimeTimer(long time) => state.Register(TimeDomain.EventTime, time, window, context.Timers);

        public void RegisterProcessingTimeTimer(long time) => state.Register(TimeDomain.ProcessingTime, time, window, context.Timers);

        public void DeleteEventTimeTimer(long time) => state.Delete(TimeDomain.EventTime, time, window, context.Timers);

        public void DeleteProcessingTimeTimer(long time) => state.Delete(TimeDomain.ProcessingTime, time, window, context.Timers);

        public IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor) =>
            new PaneValueState<T>(Pane ?? state.Pane(window), descriptor.Name);

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
        public bool HasValue => pane.TriggerState.ContainsKey(name);

        public T? Value => TryGetValue(out var value) ? value : default;

        public bool TryGetValue([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
        {
            if (pane.TriggerState.TryGetValue(name, out var stored))
            {
                value = (T)stored!;
                return true;
            }

            value = default;
            return false;
        }

        public void Update(T value) => pane.TriggerState[name] = value;

        public void Clear() => pane.TriggerState.Remove(name);
    }
}
