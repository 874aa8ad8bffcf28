using OrleansFlow.Functions;
using OrleansFlow.Keyed;

namespace OrleansFlow.Execution;

/// <summary>Runs a user's <see cref="KeyedProcessFunction{TKey, TIn, TOut}"/>.</summary>
internal sealed class ProcessOperator<TKey, TIn, TOut>(string name, KeyedProcessFunction<TKey, TIn, TOut> function)
    : KeyedOperator<TKey, TIn, TOut>(name)
    where TKey : notnull
{
    protected override void Open(IRuntimeContext context) => function.Open(context);

    protected override void ProcessElement(TIn value, KeyContext<TKey> context, ICollector<TOut> output) =>
        function.ProcessElement(value, new Context(context, TimeDomain.EventTime), output);

    protected override void OnTimer(long time, TimeDomain domain, KeyContext<TKey> context, ICollector<TOut> output) =>
        function.OnTimer(time, new Context(context, domain), output);

    private sealed class Context(KeyContext<TKey> inner, TimeDomain domain) : KeyedProcessFunction<TKey, TIn, TOut>.OnTimerContext
    {
        public override TKey CurrentKey => inner.Key;

        public override long? Timestamp => inner.Timestamp;

        public override ITimerService TimerService => inner;

        public override TimeDomain TimeDomain => domain;

        public override void Output<T>(OutputTag<T> tag, T value) => inner.SideOutputs.Side(tag, value);
    }
}
