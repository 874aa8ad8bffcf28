using StackExchange.Redis;

namespace OrleansFlow.Sinks.Redis;

/// <summary>
/// Pushes each flushed batch straight to the target list (no checkpoints, or at-least-once checkpoints). A barrier
/// pushes what is buffered, so nothing before a completed checkpoint is lost; after a restart the records replayed
/// since the checkpoint are pushed again.
/// </summary>
internal sealed class DirectRedisListWriter<T>(string connectionString, RedisKey target, Func<T, string> format) : ICommittingSinkWriter<T>
{
    private readonly RedisValueBuffer _buffer = new();
    private ConnectionMultiplexer? _connection;

    public void Write(T record) => _buffer.Add(format(record));

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        _connection ??= await ConnectionMultiplexer.ConnectAsync(connectionString);
        await _buffer.PushAsync(_connection.GetDatabase(), target);
    }

    public async ValueTask<byte[]> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        return [];
    }

    public ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask FinishAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
