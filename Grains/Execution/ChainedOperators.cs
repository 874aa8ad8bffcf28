using System.Runtime.CompilerServices;
using OrleansFlow.Functions;

namespace OrleansFlow.Execution;

/// <summary>The chained stateless operators. Each wraps user exceptions with its operator name.</summary>
internal static class ChainedOperators
{
    internal sealed class Map<TIn, TOut>(string name, IMapFunction<TIn, TOut> function, ICollector<TOut> next) : ICollector<TIn>, IChainElement
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        public void OnWatermark(long watermark) => ChainElements.ForwardWatermark(next, watermark);

        public void OnIdleChanged(bool idle) => ChainElements.ForwardIdle(next, idle);
    }

    internal sealed class Filter<T>(string name, IFilterFunction<T> function, ICollector<T> next) : ICollector<T>, IChainElement
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        public void OnWatermark(long watermark) => ChainElements.ForwardWatermark(next, watermark);

        public void OnIdleChanged(bool idle) => ChainElements.ForwardIdle(next, idle);
    }

    internal sealed class FlatMap<TIn, TOut>(string name, IFlatMapFunction<TIn, TOut> function, ICollector<TOut> next) : ICollector<TIn>, IChainElement
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        public void OnWatermark(long watermark) => ChainElements.ForwardWatermark(next, watermark);

        public void OnIdleChanged(bool idle) => ChainElements.ForwardIdle(next, idle);
    }

    /// <summary>Sends each record to several collectors (an operator whose output feeds several edges).</summary>
    internal sealed class FanOut<T>(IReadOnlyList<ICollector<T>> targets) : ICollector<T>, IChainElement
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Collect(T record)
        {
            foreach (var target in targets)
            {
                target.Collect(record);
            }
        }

        public void OnWatermark(long watermark)
        {
            foreach (var target in targets)
            {
                ChainElements.ForwardWatermark(target, watermark);
            }
        }

        public void OnIdleChanged(bool idle)
        {
            foreach (var target in targets)
            {
                ChainElements.ForwardIdle(target, idle);
            }
        }
    }
}
