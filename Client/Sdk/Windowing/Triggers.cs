using OrleansFlow.State;

namespace OrleansFlow.Windowing;

/// <summary>What a trigger decides for a window, as in Flink.</summary>
public enum TriggerResult
{
    /// <summary>Do nothing.</summary>
    Continue = 0,

    /// <summary>Evaluate the window function and emit the result; keep the window's contents.</summary>
    Fire = 1,

    /// <summary>Drop the window's contents without emitting.</summary>
    Purge = 2,

    /// <summary>Emit, then drop the window's contents.</summary>
    FireAndPurge = 3,
}

/// <summary>Helpers over <see cref="TriggerResult"/>.</summary>
public static class TriggerResultExtensions
{
    /// <summary>Whether the window function runs.</summary>
    public static bool IsFire(this TriggerResult result) => result is TriggerResult.Fire or TriggerResult.FireAndPurge;

    /// <summary>Whether the window's contents are dropped.</summary>
    public static bool IsPurge(this TriggerResult result) => result is TriggerResult.Purge or TriggerResult.FireAndPurge;
}

/// <summary>Clocks, timers and per-window state a trigger can use. Timers and state are scoped to the key and window.</summary>
public interface ITriggerContext
{
    /// <summary>The operator's current watermark.</summary>
    long CurrentWatermark { get; }

    /// <summary>Wall-clock time (ms since the Unix epoch).</summary>
    long CurrentProcessingTime { get; }

    /// <summary>Calls <c>OnEventTime</c> when the watermark reaches <paramref name="time"/>.</summary>
    void RegisterEventTimeTimer(long time);

    /// <summary>Calls <c>OnProcessingTime</c> when the clock reaches <paramref name="time"/>.</summary>
    void RegisterProcessingTimeTimer(long time);

    /// <summary>Deletes an event-time timer of this window.</summary>
    void DeleteEventTimeTimer(long time);

    /// <summary>Deletes a processing-time timer of this window.</summary>
    void DeleteProcessingTimeTimer(long time);

    /// <summary>A value scoped to this key and window.</summary>
    IValueState<T> GetState<T>(ValueStateDescriptor<T> descriptor);
}

/// <summary>The context of <see cref="Trigger{TWindow}.OnMerge"/>.</summary>
public interface IOnMergeContext : ITriggerContext
{
    /// <summary>Combines the merged windows' values of a state into the new window's value.</summary>
    void MergeState<T>(ValueStateDescriptor<T> descriptor, Func<T, T, T> merge);
}

/// <summary>
/// Decides when a window fires, as Flink's Trigger. Called for every element, and when a timer it set fires.
/// Implement a custom trigger by deriving from this class.
/// </summary>
/// <typeparam name="TWindow">Window type.</typeparam>
public abstract class Trigger<TWindow>
    where TWindow : Window
{
    /// <summary>An element was added to <paramref name="window"/>.</summary>
    public abstract TriggerResult OnElement(object? element, long timestamp, TWindow window, ITriggerContext context);

    /// <summary>An event-time timer of the window fired.</summary>
    public abstract TriggerResult OnEventTime(long time, TWindow window, ITriggerContext context);

    /// <summary>A processing-time timer of the window fired.</summary>
    public abstract TriggerResult OnProcessingTime(long time, TWindow window, ITriggerContext context);

    /// <summary>Whether the trigger supports merging windows (session windows).</summary>
    public virtual bool CanMerge => false;

    /// <summary>
    /// Whether <see cref="OnElement"/> looks at its element. When false, the window operator passes null instead of
    /// boxing every element of a value type (the built-in triggers do not look at elements).
    /// </summary>
    public virtual bool ReadsElements => true;

    /// <summary>Windows were merged into <paramref name="window"/>; re-register timers and merge state.</summary>
    public virtual void OnMerge(TWindow window, IOnMergeContext context) =>
        throw new NotSupportedException($"{GetType().Name} does not support merging windows.");

    /// <summary>The window is being removed: delete its timers and state.</summary>
    public abstract void Clear(TWindow window, ITriggerContext context);
}

/// <summary>Fires when the watermark passes the end of the window (the default for event-time windows).</summary>
public sealed class EventTimeTrigger : Trigger<TimeWindow>
{
    /// <inheritdoc />
    public override bool ReadsElements => false;

    /// <summary>The trigger.</summary>
    public static EventTimeTrigger Create() => new();

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, TimeWindow window, ITriggerContext context)
    {
        if (window.MaxTimestamp <= context.CurrentWatermark)
        {
            return TriggerResult.Fire; // a late element within the allowed lateness: fire again at once
        }

        context.RegisterEventTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (window.MaxTimestamp > context.CurrentWatermark)
        {
            context.RegisterEventTimeTimer(window.MaxTimestamp);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);
}

/// <summary>Fires when the wall clock passes the end of the window (the default for processing-time windows).</summary>
public sealed class ProcessingTimeTrigger : Trigger<TimeWindow>
{
    /// <inheritdoc />
    public override bool ReadsElements => false;

    /// <summary>The trigger.</summary>
    public static ProcessingTimeTrigger Create() => new();

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, TimeWindow window, ITriggerContext context)
    {
        context.RegisterProcessingTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (window.MaxTimestamp > context.CurrentProcessingTime)
        {
            context.RegisterProcessingTimeTimer(window.MaxTimestamp);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteProcessingTimeTimer(window.MaxTimestamp);
}

/// <summary>Fires every time a window has received <c>count</c> more elements.</summary>
/// <typeparam name="TWindow">Window type.</typeparam>
public sealed class CountTrigger<TWindow> : Trigger<TWindow>
    where TWindow : Window
{
    private static readonly ValueStateDescriptor<long> CountState = new("trigger-count");
    private readonly long _count;

    private CountTrigger(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _count = count;
    }

    /// <summary>A trigger firing every <paramref name="count"/> elements.</summary>
    public static CountTrigger<TWindow> Of(long count) => new(count);

    /// <inheritdoc />
    public override bool ReadsElements => false;

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, TWindow window, ITriggerContext context)
    {
        var state = context.GetState(CountState);
        var seen = state.Value + 1;
        if (seen >= _count)
        {
            state.Clear();
            return TriggerResult.Fire;
        }

        state.Update(seen);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <inheritdoc />
    public override void OnMerge(TWindow window, IOnMergeContext context) => context.MergeState(CountState, (a, b) => a + b);

    /// <inheritdoc />
    public override void Clear(TWindow window, ITriggerContext context) => context.GetState(CountState).Clear();
}

/// <summary>Turns every Fire of the wrapped trigger into FireAndPurge.</summary>
/// <typeparam name="TWindow">Window type.</typeparam>
public sealed class PurgingTrigger<TWindow>(Trigger<TWindow> nested) : Trigger<TWindow>
    where TWindow : Window
{
    /// <summary>Wraps <paramref name="nested"/>.</summary>
    public static PurgingTrigger<TWindow> Of(Trigger<TWindow> nested) => new(nested ?? throw new ArgumentNullException(nameof(nested)));

    /// <inheritdoc />
    public override bool ReadsElements => nested.ReadsElements;

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, TWindow window, ITriggerContext context) =>
        Purging(nested.OnElement(element, timestamp, window, context));

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TWindow window, ITriggerContext context) => Purging(nested.OnEventTime(time, window, context));

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TWindow window, ITriggerContext context) => Purging(nested.OnProcessingTime(time, window, context));

    /// <inheritdoc />
    public override bool CanMerge => nested.CanMerge;

    /// <inheritdoc />
    public override void OnMerge(TWindow window, IOnMergeContext context) => nested.OnMerge(window, context);

    /// <inheritdoc />
    public override void Clear(TWindow window, ITriggerContext context) => nested.Clear(window, context);

    private static TriggerResult Purging(TriggerResult result) => result.IsFire() ? TriggerResult.FireAndPurge : result;
}

/// <summary>Never fires (the default trigger of <see cref="GlobalWindows.Create"/>, as in Flink).</summary>
public sealed class NeverTrigger : Trigger<GlobalWindow>
{
    /// <inheritdoc />
    public override bool ReadsElements => false;

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void Clear(GlobalWindow window, ITriggerContext context)
    {
    }
}

/// <summary>Fires the global window once, when the input ends (the watermark reaches its maximum).</summary>
public sealed class EndOfStreamTrigger : Trigger<GlobalWindow>
{
    /// <inheritdoc />
    public override bool ReadsElements => false;

    /// <inheritdoc />
    public override TriggerResult OnElement(object? element, long timestamp, GlobalWindow window, ITriggerContext context)
    {
        context.RegisterEventTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, GlobalWindow window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, GlobalWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void Clear(GlobalWindow window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);
}
