using OrleansFlow.Functions;
using OrleansFlow.Sources;

namespace OrleansFlow.Execution;

/// <summary>Reads a source subtask batch by batch and pushes each record into the rest of its chain.</summary>
internal interface ISourceDriver : IDisposable
{
    /// <summary>The reader's position after the last batch.</summary>
    long Position { get; }

    /// <summary>Reads and pushes up to <paramref name="maxRecords"/>; returns how many, and whether more may follow.</summary>
    ValueTask<(int Count, bool More)> RunBatchAsync(int maxRecords, CancellationToken cancellationToken);
}

internal sealed class SourceDriver<T>(string operatorName, ISourceReader<T> reader, ICollector<T> downstream, ChainContext context) : ISourceDriver
{
    private readonly List<T> _buffer = [];

    public long Position => reader.Position;

    public async ValueTask<(int Count, bool More)> RunBatchAsync(int maxRecords, CancellationToken cancellationToken)
    {
        _buffer.Clear();
        bool more;
        try
        {
            more = await reader.ReadBatchAsync(_buffer, maxRecords, cancellationToken);
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw new UserFunctionException($"Operator '{operatorName}' failed: {e.Message}", e) { OperatorName = operatorName };
        }

        var i = 0;
        try
        {
            for (; i < _buffer.Count; i++)
            {
                context.Timestamp = null;
                downstream.Collect(_buffer[i]);
            }
        }
        catch (UserFunctionException e) when (e.RecordPosition is null)
        {
            throw e.At(reader.DescribeRecord(i));
        }

        return (_buffer.Count, more);
    }

    public void Dispose() => reader.Dispose();
}
