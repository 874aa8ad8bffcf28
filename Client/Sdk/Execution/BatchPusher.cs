using OrleansFlow.Functions;

namespace OrleansFlow.Execution;

/// <summary>Pushes an untyped batch (an array) into a typed collector.</summary>
internal interface IBatchPusher
{
    /// <summary>
    /// Pushes records [<paramref name="start"/>, <paramref name="end"/>); a user-function failure is rethrown with
    /// the record's position from <paramref name="describe"/>.
    /// </summary>
    void Push(object records, int start, int end, Func<int, string> describe);
}

internal sealed class BatchPusher<T>(ICollector<T> collector) : IBatchPusher
{
    public void Push(object records, int start, int end, Func<int, string> describe)
    {
        var array = (T[])records;
        var i = start;
        try
        {
            for (; i < end; i++)
            {
                collector.Collect(array[i]);
            }
        }
        catch (UserFunctionException e) when (e.RecordPosition is null)
        {
            throw e.At(describe(i));
        }
    }
}
