using OrleansFlow.Functions;

namespace OrleansFlow.Execution;

/// <summary>The chained stateless operators. Each wraps user exceptions with its operator name.</summary>
internal static class ChainedOperators
{
    internal sealed class Map<TIn, TOut>(string name, IMapFunction<TIn, TOut> function, ICollector<TOut> next) : ICollector<TIn>
    {
        public void Collect(TIn record)
        {
            TOut result;
            try
            {
                result = function.Map(record);
            }
            catch (Exception e) when (e is not UserFunctionException)
            {
                throw UserFunctionException.For(name, e);
            }

            next.Collect(result);
        }
    }

    internal sealed class Filter<T>(string name, IFilterFunction<T> function, ICollector<T> next) : ICollector<T>
    {
        public void Collect(T record)
        {
            bool keep;
            try
            {
                keep = function.Filter(record);
            }
            catch (Exception e) when (e is not UserFunctionException)
            {
                throw UserFunctionException.For(name, e);
            }

            if (keep)
            {
                next.Collect(record);
            }
        }
    }

    internal sealed class FlatMap<TIn, TOut>(string name, IFlatMapFunction<TIn, TOut> function, ICollector<TOut> next) : ICollector<TIn>
    {
        public void Collect(TIn record)
        {
            try
            {
                function.FlatMap(record, next);
            }
            catch (Exception e) when (e is not UserFunctionException)
            {
                throw UserFunctionException.For(name, e);
            }
        }
    }

    /// <summary>Sends each record to several collectors (an operator whose output feeds several edges).</summary>
    internal sealed class FanOut<T>(IReadOnlyList<ICollector<T>> targets) : ICollector<T>
    {
        public void Collect(T record)
        {
            foreach (var target in targets)
            {
                target.Collect(record);
            }
        }
    }
}
