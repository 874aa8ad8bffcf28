using OrleansFlow.Functions;
using OrleansFlow.State;

namespace OrleansFlow.Execution;

/// <summary>
/// Keyed rolling reduce: keeps one value per key (state "value") and emits the updated value for every record,
/// as Flink's streaming reduce. Sum, Min, Max, MinBy and MaxBy are reduces.
/// </summary>
internal sealed class ReduceOperator<TKey, T>(string name, IReduceFunction<T> function) : KeyedOperator<TKey, T, T>(name)
    where TKey : notnull
{
    public const string StateName = "value";

    private readonly ValueStateHandle<T> _state = new(StateName);

    protected override int ExpectedOutputs(int inputs) => inputs;

    protected override void ProcessElement(T value, KeyContext<TKey> context, ICollector<T> output)
    {
        if (context.Store?.Get(StateName) is ValueHolder<T> holder)
        {
            holder.Value = function.Reduce(holder.Value, value);
            output.Collect(holder.Value);
            return;
        }

        var result = _state.TryGetValue(out var accumulated) ? function.Reduce(accumulated, value) : value;
        _state.Update(result);
        output.Collect(result);
    }
}
