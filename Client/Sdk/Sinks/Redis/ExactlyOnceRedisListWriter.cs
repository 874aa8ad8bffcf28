using StackExchange.Redis;

namespace OrleansFlow.Sinks.Redis;

/// <summary>
/// A two-phase-commit Redis list writer. Flushed records are staged in the writer's open list; barrier n renames it
/// to the part of checkpoint n; commit n moves the parts up to n to the target with <see cref="RedisCommitScripts.Commit"/>.
/// End of input seals the tail as the final part (checkpoint <see cref="long.MaxValue"/>), which
/// <c>CommitAsync(long.MaxValue)</c> moves once the whole job has finished, then the subtask's keys are removed.
/// The connection is opened, and a restore carried out, on the first asynchronous call.
/// </summary>
internal sealed class ExactlyOnceRedisListWriter<T> : ICommittingSinkWriter<T>
{
    private readonly string _connectionString;
    private readonly RedisKey _target;
    private readonly Func<T, string> _format;
    private readonly SinkRestore? _restore;
    private readonly string? _restoredWriter;
    private readonly RedisSinkKeys _keys;
    private readonly string _writer = Guid.NewGuid().ToString("N");
    private readonly RedisValueBuffer _buffer = new();
    private readonly SortedDictionary<long, string> _sealed = [];
    private ConnectionMultiplexer? _connection;
    private IDatabase? _database;
    private bool _openExists;
    private long _lastSealed;
    private bool _finished;
    private bool _disposed;

    public ExactlyOnceRedisListWriter(string connectionString, string target, Func<T, string> format, SinkContext context)
    {
        _connectionString = connectionString;
        _target = target;
        _format = format;
        _restore = context.Restore;
        if (_restore is null)
        {
            _keys = new RedisSinkKeys(RedisSinkKeys.ScopeFor(target, context));
        }
        else
        {
            (var scope, _restoredWriter) = RedisSinkState.Decode(_restore, target);
            _keys = new RedisSinkKeys(scope);
            _lastSealed = _restore.CheckpointId;
        }
    }

    public void Write(T record)
    {
        if (_finished)
        {
            throw new InvalidOperationException($"The writer of the Redis list '{_target}' has finished; it takes no more records.");
        }

        _buffer.Add(_format(record));
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var database = await StartAsync(cancellationToken);
        await StageAsync(database);
    }

    public async ValueTask<byte[]> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        var database = await StartAsync(cancellationToken);
        if (checkpointId == long.MaxValue && _finished)
        {
            // The final part was sealed by FinishAsync; the runtime may still ask for the state that names it.
            return RedisSinkState.Encode(_keys.Scope, _writer);
        }

        if (checkpointId == long.MaxValue || _finished || checkpointId <= _lastSealed)
        {
            throw new InvalidOperationException(
                $"Cannot seal checkpoint {checkpointId} for the Redis list '{_target}': " +
                (checkpointId == long.MaxValue ? "that id is reserved for the final part, which FinishAsync seals."
                    : _finished ? "the writer has finished."
                    : $"checkpoint {_lastSealed} was sealed already and ids must increase."));
        }

        await StageAsync(database);
        await SealAsync(database, checkpointId);
        return RedisSinkState.Encode(_keys.Scope, _writer);
    }

    public async ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        var database = await StartAsync(cancellationToken);
        while (_sealed.Count > 0)
        {
            var (id, part) = _sealed.First();
            if (id > checkpointId)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            await CommitPartAsync(database, id, part);
            _sealed.Remove(id);
        }

        if (checkpointId == long.MaxValue && _finished)
        {
            // Every part of this writer was moved (and deleted by its move); what is left of the scope is the marker,
            // the registry and lists of older attempts that never completed a checkpoint.
            await ForgetPendingAsync(database);
        }
    }

    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        var database = await StartAsync(cancellationToken);
        await StageAsync(database);
        await SealAsync(database, long.MaxValue);
        _finished = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed || _connection is null)
        {
            _disposed = true;
            return;
        }

        _disposed = true;

        if (_openExists && _database is not null)
        {
            // Records staged since the last barrier can never be committed; a restart would delete them too.
            var open = _keys.Open(_writer);
            _database.KeyDelete(open, CommandFlags.FireAndForget);
            _database.HashDelete(_keys.Registry, open, CommandFlags.FireAndForget);
        }

        await _connection.CloseAsync(allowCommandsToComplete: true);
        await _connection.DisposeAsync();
    }

    private async ValueTask<IDatabase> StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_database is not null)
        {
            return _database;
        }

        _connection ??= await ConnectionMultiplexer.ConnectAsync(_connectionString);
        var database = _connection.GetDatabase();
        if (_restore is null)
        {
            await ForgetPendingAsync(database);
        }
        else
        {
            await RecoverAsync(database, _restore.CheckpointId, _restoredWriter!);
        }

        _database = database;
        return database;
    }

    /// <summary>Drops every key of this scope: at a fresh start what an earlier run left, at the end what is no longer needed.</summary>
    private async Task ForgetPendingAsync(IDatabase database)
    {
        var entries = await database.HashGetAllAsync(_keys.Registry);
        var keys = entries.Select(e => (RedisKey)e.Name.ToString()).Append(_keys.Registry).Append(_keys.Committed).ToArray();
        await database.KeyDeleteAsync(keys);
    }

    /// <summary>
    /// A restart from a checkpoint: moves what the restored writer sealed up to it (unless already moved) and deletes
    /// every other staging list of the scope (parts sealed after it, open lists, lists of older writers).
    /// </summary>
    private async Task RecoverAsync(IDatabase database, long checkpointId, string restoredWriter)
    {
        var committed = await database.StringGetAsync(_keys.Committed);
        if (committed.HasValue && RedisSinkKeys.ParseId(committed.ToString()) is var last && last > checkpointId)
        {
            throw new InvalidOperationException(
                $"Cannot restore the Redis list '{_target}' from checkpoint {checkpointId}: it already holds the output of the later " +
                $"checkpoint {last}, which would appear twice. Restore from checkpoint {last} or later.");
        }

        var toCommit = new SortedDictionary<long, string>();
        var garbage = new List<RedisValue>();
        foreach (var entry in await database.HashGetAllAsync(_keys.Registry))
        {
            var key = entry.Name.ToString();
            var value = entry.Value.ToString();
            if (value != RedisSinkKeys.OpenMarker && _keys.BelongsTo(key, restoredWriter) && RedisSinkKeys.ParseId(value) is var id && id <= checkpointId)
            {
                toCommit.Add(id, key);
            }
            else
            {
                garbage.Add(entry.Name);
            }
        }

        if (garbage.Count > 0)
        {
            await database.KeyDeleteAsync(garbage.Select(g => (RedisKey)g.ToString()).ToArray());
            await database.HashDeleteAsync(_keys.Registry, garbage.ToArray());
        }

        foreach (var (id, part) in toCommit)
        {
            await CommitPartAsync(database, id, part);
        }
    }

    /// <summary>Sends buffered records to this writer's open staging list, registering it first.</summary>
    private async Task StageAsync(IDatabase database)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        var open = _keys.Open(_writer);
        var register = database.HashSetAsync(_keys.Registry, open, RedisSinkKeys.OpenMarker);
        await _buffer.PushAsync(database, open);
        await register;
        _openExists = true;
    }

    private async Task SealAsync(IDatabase database, long checkpointId)
    {
        _lastSealed = checkpointId;
        if (!_openExists)
        {
            return;
        }

        var part = _keys.Sealed(_writer, checkpointId);
        var sealedAny = (long)await database.ScriptEvaluateAsync(
            RedisCommitScripts.Seal,
            [_keys.Open(_writer), part, _keys.Registry],
            [RedisSinkKeys.Id(checkpointId)]);
        _openExists = false;
        if (sealedAny == 1)
        {
            _sealed.Add(checkpointId, part);
        }
    }

    private async Task CommitPartAsync(IDatabase database, long checkpointId, string part) =>
        await database.ScriptEvaluateAsync(
            RedisCommitScripts.Commit,
            [part, _target, _keys.Committed, _keys.Registry],
            [RedisSinkKeys.Id(checkpointId)]);
}
