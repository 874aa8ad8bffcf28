using System.Runtime.CompilerServices;
using OrleansFlow.Functions;

namespace OrleansFlow.Execution;

/// <summary>Pushes an untyped batch (an array) into a typed collector, setting each record's timestamp in the chain context.</summary>
internal interface IBatchPusher
{
    /// <summary>
    /// Pushes records [<paramref name="start"/>, <paramref name="end"/>) with their timestamps (long.MinValue or a
    /// null array for none); a user-function failure is rethrown with the record's position from <paramref name="describe"/>.
    /// </summary>
    void Push(object records, long[]? timestamps, int start, int end, Func<int, string> describe);
}

internal sealed class BatchPusher<T>(ICollector<T> collector, ChainContext context) : IBatchPusher
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(object records, long[]? timestamps, int start, int end, Func<int, string> describe)
    {
        var array = (T[])records;
        var i = start;
        try
        {
            for (; i < end; i++)
            {
                context.Timestamp = timestamps is null || timestamps[i] == long.MinValue ? null : timestamps[i];
                collector.Collect(array[i]);
            }
        }
        catch (UserFunctionException e) when (e.RecordPosition is null)
        {
            throw e.At(describe(i));
        }
    }
}
