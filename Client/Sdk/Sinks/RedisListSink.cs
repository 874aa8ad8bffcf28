using OrleansFlow.Sinks.Redis;

namespace OrleansFlow.Sinks;

/// <summary>
/// Appends each record's text to a Redis list (<c>RPUSH</c>). All subtasks append to the same list; the records of
/// one subtask keep their order, those of different subtasks interleave.
/// <para>
/// Without checkpoints, and with at-least-once checkpoints, each flushed batch is pushed to the list at once.
/// At-least-once: a barrier pushes what is buffered before it; after a restart, the records replayed since the
/// restored checkpoint are pushed again (duplicates).
/// </para>
/// <para>
/// With exactly-once checkpoints (<see cref="SinkContext.ExactlyOnce"/>) the writer is a two-phase commit: records
/// are staged in lists next to the target (keys <c>{target}:orleansflow:{job}:{operator}:{subtask}:...</c>), one per
/// checkpoint, and a Lua script moves a checkpoint's list to the end of the target and records the checkpoint as
/// committed in one atomic step once the checkpoint completes (at end of input, when the whole job has finished);
/// repeating a commit changes nothing. After any sequence of failures and restores the list holds what a
/// failure-free run would have pushed. Every key shares the target's hash slot, so this also works on a Redis
/// Cluster. Moving a very large checkpoint blocks the Redis server for the length of the script; keep checkpoint
/// intervals so that a checkpoint's output is moderate.
/// </para>
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class RedisListSink<T> : ISink<T>
{
    private readonly string _connectionString;
    private readonly Func<T, string> _format;

    /// <summary>Creates the sink.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="key">The list the records are appended to.</param>
    /// <param name="format">Turns a record into the list element; <c>ToString()</c> by default.</param>
    public RedisListSink(string connectionString, string key, Func<T, string>? format = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(key);
        _connectionString = connectionString;
        Key = key;
        _format = format ?? (r => r?.ToString() ?? "null");
    }

    /// <summary>The list the records are appended to.</summary>
    public string Key { get; }

    /// <summary>Creates the writer of one subtask (a two-phase-commit writer when the job checkpoints exactly-once).</summary>
    public ICommittingSinkWriter<T> CreateWriter(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ExactlyOnce)
        {
            return new ExactlyOnceRedisListWriter<T>(_connectionString, Key, _format, context);
        }

        if (context.Restore is { State.Length: > 0 } restore)
        {
            throw new InvalidOperationException(
                $"Cannot restore the Redis list '{Key}' from checkpoint {restore.CheckpointId} without exactly-once checkpoints: the " +
                "checkpoint holds pending output of an exactly-once RedisListSink writer (was the job's checkpointing mode changed?).");
        }

        return new DirectRedisListWriter<T>(_connectionString, Key, _format);
    }

    /// <inheritdoc />
    ISinkWriter<T> ISink<T>.CreateWriter(SinkContext context) => CreateWriter(context);
}
