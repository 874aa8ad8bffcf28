using OrleansFlow.Windowing;

namespace OrleansFlow.Functions;

/// <summary>
/// Sees all elements of a window (or the single pre-aggregated value, when combined with Reduce or Aggregate)
/// together with the window's metadata, as Flink's ProcessWindowFunction.
/// </summary>
/// <typeparam name="TIn">Input type (the aggregate's result type when combined with incremental aggregation).</typeparam>
/// <typeparam name="TOut">Output type.</typeparam>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TWindow">Window type.</typeparam>
public abstract class ProcessWindowFunction<TIn, TOut, TKey, TWindow>
    where TWindow : Window
{
    /// <summary>Evaluates a window that fired.</summary>
    public abstract void Process(TKey key, Context context, IEnumerable<TIn> elements, ICollector<TOut> output);

    /// <summary>What <see cref="Process"/> can see.</summary>
    public abstract class Context
    {
        /// <summary>The window being evaluated.</summary>
        public abstract TWindow Window { get; }

        /// <summary>The operator's current watermark.</summary>
        public abstract long CurrentWatermark { get; }

        /// <summary>Wall-clock time (ms since the Unix epoch).</summary>
        public abstract long CurrentProcessingTime { get; }

        /// <summary>Emits a record to a side output.</summary>
        public abstract void Output<T>(OutputTag<T> tag, T value);
    }
}
