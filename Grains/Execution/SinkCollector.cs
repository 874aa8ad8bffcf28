using System.Runtime.CompilerServices;
using OrleansFlow.Functions;
using OrleansFlow.Sinks;

namespace OrleansFlow.Execution;

/// <summary>A sink writer seen as the end of a chain: collects records, flushes after each batch, finishes at end of input.</summary>
internal interface ISinkCollector : IAsyncDisposable
{
    ValueTask FlushAsync(CancellationToken cancellationToken);

    ValueTask FinishAsync(CancellationToken cancellationToken);

    /// <summary>Barrier of a checkpoint: a two-phase-commit writer seals its pending output; others flush. Returns the state to store.</summary>
    ValueTask<byte[]?> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken);

    /// <summary>A checkpoint completed: a two-phase-commit writer makes what it sealed visible.</summary>
    ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken);
}

internal sealed class SinkCollector<T>(string operatorName, ISinkWriter<T> writer) : ICollector<T>, ISinkCollector, IChainElement
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Collect(T record)
    {
        try
        {
            writer.Write(record);
        }
        catch (Exception e) when (e is not UserFunctionException)
        {
            throw UserFunctionException.For(operatorName, e);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await writer.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(operatorName, e);
        }
    }

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await writer.FinishAsync(cancellationToken);
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(operatorName, e);
        }
    }

    public async ValueTask<byte[]?> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        try
        {
            if (writer is ICommittingSinkWriter<T> committing)
            {
                return await committing.PrepareCommitAsync(checkpointId, cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(operatorName, e);
        }
    }

    public async ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        try
        {
            if (writer is ICommittingSinkWriter<T> committing)
            {
                await committing.CommitAsync(checkpointId, cancellationToken);
            }
        }
        catch (Exception e) when (e is not (UserFunctionException or OperationCanceledException))
        {
            throw UserFunctionException.For(operatorName, e);
        }
    }

    public ValueTask DisposeAsync() => writer.DisposeAsync();

    /// <summary>Sinks ignore watermarks.</summary>
    public void OnWatermark(long watermark)
    {
    }

    /// <summary>Sinks ignore idleness.</summary>
    public void OnIdleChanged(bool idle)
    {
    }
}
