using OrleansFlow.Functions;
using OrleansFlow.Windowing;

namespace OrleansFlow.Execution;

/// <summary>
/// What a window keeps and how it is evaluated: an accumulator (created, added to, merged) and an emitter that
/// turns the accumulator of a firing window into output. Every windowed API variant is one of these. A variant whose
/// accumulator the engine owns may take back the accumulator of a window whose state is dropped (<c>release</c>).
/// </summary>
internal sealed class WindowLogic<TKey, TIn, TAcc, TOut, TWindow>(
    Func<TAcc> create,
    Func<TIn, TAcc, TAcc> add,
    Func<TAcc, TAcc, TAcc> merge,
    Action<TKey, TWindow, TAcc, WindowEmitContext<TWindow>, ICollector<TOut>> emit,
    Action<TAcc>? release = null)
    where TWindow : Window
{
    public TAcc Create() => create();

    /// <summary>The accumulator of a window whose state was dropped; nothing refers to it any more.</summary>
    public void Release(TAcc accumulator) => release?.Invoke(accumulator);

    public TAcc Add(TIn value, TAcc accumulator) => add(value, accumulator);

    public TAcc Merge(TAcc a, TAcc b) => merge(a, b);

    public void Emit(TKey key, TWindow window, TAcc accumulator, WindowEmitContext<TWindow> context, ICollector<TOut> output) =>
        emit(key, window, accumulator, context, output);
}

/// <summary>
/// The window metadata an emitter passes to process-window functions. The window operator keeps one per call and
/// moves it from firing to firing (<see cref="MoveTo"/>), with the process-function context that reads it.
/// </summary>
internal sealed class WindowEmitContext<TWindow>(TWindow window, long watermark, long processingTime, ISideOutputs sideOutputs)
    where TWindow : Window
{
    public TWindow Window { get; private set; } = window;

    public long Watermark { get; private set; } = watermark;

    public long ProcessingTime { get; } = processingTime;

    public ISideOutputs SideOutputs { get; } = sideOutputs;

    /// <summary>The process-function context over this one, made on first use (its type depends on the function).</summary>
    public object? FunctionContext { get; set; }

    /// <summary>The one-element sequence handed to the process function, reused from firing to firing.</summary>
    public object? Elements { get; set; }

    /// <summary>Points this context at the next firing window of the same call.</summary>
    public WindowEmitContext<TWindow> MoveTo(TWindow window, long watermark)
    {
        Window = window;
        Watermark = watermark;
        return this;
    }
}

/// <summary>The accumulator of a reduce: the running value, once there is one (serializable, so checkpoints can copy it).</summary>
[GenerateSerializer, Alias("flow.ReduceAccumulator`1")]
internal sealed class ReduceAccumulator<T>
{
    [Id(0)]
    public bool HasValue { get; set; }

    [Id(1)]
    public T Value { get; set; } = default!;

    /// <inheritdoc />
    public override string ToString() => HasValue ? Value?.ToString() ?? "null" : "(none)";
}

/// <summary>Builds the <see cref="WindowLogic{TKey, TIn, TAcc, TOut, TWindow}"/> of each windowed API variant.</summary>
internal static class WindowLogics
{
    public static WindowLogic<TKey, T, ReduceAccumulator<T>, TOut, TWindow> Reduce<TKey, T, TOut, TWindow>(
        IReduceFunction<T> reduce, ProcessWindowFunction<T, TOut, TKey, TWindow>? process)
        where TWindow : Window => new(
            static () => SpareObjects<ReduceAccumulator<T>>.TryTake() ?? new ReduceAccumulator<T>(),
            (value, acc) =>
            {
                acc.Value = acc.HasValue ? reduce.Reduce(acc.Value, value) : value;
                acc.HasValue = true;
                return acc;
            },
            (a, b) => !a.HasValue ? b : !b.HasValue ? a : new ReduceAccumulator<T> { HasValue = true, Value = reduce.Reduce(a.Value, b.Value) },
            (key, window, acc, context, output) =>
            {
                if (acc.HasValue)
                {
                    EmitOne(key, acc.Value, process, context, output);
                }
            },
            static acc =>
            {
                acc.HasValue = false;
                acc.Value = default!;
                SpareObjects<ReduceAccumulator<T>>.Keep(acc);
            });

    public static WindowLogic<TKey, TIn, TAcc, TOut, TWindow> Aggregate<TKey, TIn, TAcc, TResult, TOut, TWindow>(
        IAggregateFunction<TIn, TAcc, TResult> aggregate, ProcessWindowFunction<TResult, TOut, TKey, TWindow>? process)
        where TWindow : Window => new(
            aggregate.CreateAccumulator,
            aggregate.Add,
            aggregate.Merge,
            (key, window, acc, context, output) => EmitOne(key, aggregate.GetResult(acc), process, context, output));

    public static WindowLogic<TKey, TIn, List<TIn>, TOut, TWindow> Process<TKey, TIn, TOut, TWindow>(ProcessWindowFunction<TIn, TOut, TKey, TWindow> process)
        where TWindow : Window => new(
            static () => [],
            static (value, list) =>
            {
                list.Add(value);
                return list;
            },
            static (a, b) => [.. a, .. b],
            (key, window, list, context, output) =>
            {
                if (list.Count > 0)
                {
                    process.Process(key, ProcessContext<TIn, TOut, TKey, TWindow>.Over(context), list, output);
                }
            });

    /// <summary>
    /// Keeps elements as a list and, before each evaluation, evicts all but the last <paramref name="keepLast"/>
    /// (for good, as Flink's CountEvictor), then folds them with <paramref name="evaluate"/>.
    /// </summary>
    public static WindowLogic<TKey, TIn, List<TIn>, TOut, TWindow> Evicting<TKey, TIn, TOut, TWindow>(
        long keepLast, Action<TKey, List<TIn>, WindowEmitContext<TWindow>, ICollector<TOut>> evaluate)
        where TWindow : Window => new(
            static () => [],
            static (value, list) =>
            {
                list.Add(value);
                return list;
            },
            static (a, b) => [.. a, .. b],
            (key, window, list, context, output) =>
            {
                if (list.Count > keepLast)
                {
                    list.RemoveRange(0, list.Count - (int)keepLast);
                }

                if (list.Count > 0)
                {
                    evaluate(key, list, context, output);
                }
            });

    private static void EmitOne<TKey, TResult, TOut, TWindow>(
        TKey key, TResult value, ProcessWindowFunction<TResult, TOut, TKey, TWindow>? process, WindowEmitContext<TWindow> context, ICollector<TOut> output)
        where TWindow : Window
    {
        if (process is null)
        {
            ((ICollector<TResult>)output).Collect(value);
        }
        else
        {
            var elements = context.Elements is OneElement<TResult> reused ? reused.Refill(value) : new OneElement<TResult>(value);
            context.Elements = elements;
            process.Process(key, ProcessContext<TResult, TOut, TKey, TWindow>.Over(context), elements, output);
        }
    }

    private sealed class ProcessContext<TIn, TOut, TKey, TWindow>(WindowEmitContext<TWindow> context)
        : ProcessWindowFunction<TIn, TOut, TKey, TWindow>.Context
        where TWindow : Window
    {
        /// <summary>The context over <paramref name="emit"/>, made once per emit context.</summary>
        public static ProcessContext<TIn, TOut, TKey, TWindow> Over(WindowEmitContext<TWindow> emit)
        {
            if (emit.FunctionContext is not ProcessContext<TIn, TOut, TKey, TWindow> made)
            {
                made = new ProcessContext<TIn, TOut, TKey, TWindow>(emit);
                emit.FunctionContext = made;
            }

            return made;
        }

        public override TWindow Window => context.Window;

        public override long CurrentWatermark => context.Watermark;

        public override long CurrentProcessingTime => context.ProcessingTime;

        public override void Output<T>(OutputTag<T> tag, T value) => context.SideOutputs.Side(tag, value);
    }
}
