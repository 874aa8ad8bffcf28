namespace OrleansFlow.Functions;

/// <summary>Adapts lambdas to the function interfaces, so every operator has one implementation.</summary>
internal static class Delegates
{
    internal sealed class MapFn<TIn, TOut>(Func<TIn, TOut> map) : IMapFunction<TIn, TOut>
    {
        public TOut Map(TIn value) => map(value);
    }

    internal sealed class FilterFn<T>(Func<T, bool> filter) : IFilterFunction<T>
    {
        public bool Filter(T value) => filter(value);
    }

    internal sealed class FlatMapFn<TIn, TOut>(Action<TIn, ICollector<TOut>> flatMap) : IFlatMapFunction<TIn, TOut>
    {
        public void FlatMap(TIn value, ICollector<TOut> output) => flatMap(value, output);
    }

    internal sealed class FlatMapEnumerableFn<TIn, TOut>(Func<TIn, IEnumerable<TOut>> flatMap) : IFlatMapFunction<TIn, TOut>
    {
        public void FlatMap(TIn value, ICollector<TOut> output)
        {
            foreach (var item in flatMap(value))
            {
                output.Collect(item);
            }
        }
    }

    internal sealed class ReduceFn<T>(Func<T, T, T> reduce) : IReduceFunction<T>
    {
        public T Reduce(T accumulated, T value) => reduce(accumulated, value);
    }
}
