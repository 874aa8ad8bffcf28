using OrleansFlow.Functions;

namespace OrleansFlow.Execution;

/// <summary>Pushes an untyped batch (an array) into a typed collector.</summary>
internal interface IBatchPusher
{
    /// <summary>Pushes every record; on a user-function failure, reports the record's index through the exception.</summary>
    void Push(object records, Func<int, string> describe);
}

internal sealed class BatchPusher<T>(ICollector<T> collector) : IBatchPusher
{
    public void Push(object records, Func<int, string> describe)
    {
        var array = (T[])records;
        var i = 0;
        try
        {
            for (; i < array.Length; i++)
            {
                collector.Collect(array[i]);
            }
        }
        catch (UserFunctionException e) when (e.RecordPosition is null)
        {
            e.RecordPosition = describe(i);
            throw;
        }
    }
}
