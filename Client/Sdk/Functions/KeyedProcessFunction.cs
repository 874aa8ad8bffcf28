namespace OrleansFlow.Functions;

/// <summary>
/// The lowest-level keyed operator, as Flink's: sees each record with its key, keeps keyed state through the
/// handles it gets in <see cref="Open"/>, and sets timers. One instance serves all keys of an operator on a silo,
/// and calls for different keys may run at once: keep per-key data in state, not in fields.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TIn">Input record type.</typeparam>
/// <typeparam name="TOut">Output record type.</typeparam>
public abstract class KeyedProcessFunction<TKey, TIn, TOut>
{
    /// <summary>Called once before the first record; get state handles here.</summary>
    public virtual void Open(IRuntimeContext context)
    {
    }

    /// <summary>Handles one record of the current key.</summary>
    public abstract void ProcessElement(TIn value, Context context, ICollector<TOut> output);

    /// <summary>Called when a timer of the current key fires.</summary>
    public virtual void OnTimer(long timestamp, OnTimerContext context, ICollector<TOut> output)
    {
    }

    /// <summary>What <see cref="ProcessElement"/> can see.</summary>
    public abstract class Context
    {
        /// <summary>The current key.</summary>
        public abstract TKey CurrentKey { get; }

        /// <summary>The record's event timestamp, if it has one.</summary>
        public abstract long? Timestamp { get; }

        /// <summary>Clocks and timers of the current key.</summary>
        public abstract ITimerService TimerService { get; }

        /// <summary>Emits a record to a side output; read it with <c>GetSideOutput(tag)</c> on this operator's stream.</summary>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }

    /// <summary>What <see cref="OnTimer"/> can see.</summary>
    public abstract class OnTimerContext : Context
    {
        /// <summary>Whether the firing timer was an event-time or processing-time timer.</summary>
        public abstract Keyed.TimeDomain TimeDomain { get; }
    }
}
