namespace OrleansFlow.Sinks;

/// <summary>
/// A destination for records. Each parallel subtask writes through its own writer. Writers run inside the runtime's
/// grains: do not use <c>ConfigureAwait(false)</c> in them (continuations must stay on the grain's scheduler).
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ISink<T>
{
    /// <summary>Creates the writer of one subtask.</summary>
    ISinkWriter<T> CreateWriter(SinkContext context);
}

/// <summary>Writes one subtask's records. <see cref="Write"/> buffers; <see cref="FlushAsync"/> is called after each batch.</summary>
/// <typeparam name="T">Record type.</typeparam>
public interface ISinkWriter<in T> : IAsyncDisposable
{
    /// <summary>Accepts one record.</summary>
    void Write(T record);

    /// <summary>Makes the records written so far durable or visible.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Called once at end of input, after the last flush.</summary>
    ValueTask FinishAsync(CancellationToken cancellationToken);
}

/// <summary>What a sink writer is for.</summary>
public sealed class SinkContext
{
    /// <summary>Creates a context.</summary>
    public SinkContext(string jobId, int operatorId, string operatorName, int subtask, int parallelism)
    {
        JobId = jobId;
        OperatorId = operatorId;
        OperatorName = operatorName;
        Subtask = subtask;
        Parallelism = parallelism;
    }

    /// <summary>The job.</summary>
    public string JobId { get; }

    /// <summary>The sink operator's id.</summary>
    public int OperatorId { get; }

    /// <summary>The sink operator's name.</summary>
    public string OperatorName { get; }

    /// <summary>The subtask, from 0.</summary>
    public int Subtask { get; }

    /// <summary>Number of sink subtasks.</summary>
    public int Parallelism { get; }

    /// <summary>
    /// When the job was restored from a checkpoint: the checkpoint and what this subtask's writer sealed for it
    /// (see <see cref="ICommittingSinkWriter{T}"/>); null on a fresh start.
    /// </summary>
    public SinkRestore? Restore { get; init; }

    /// <summary>Whether the job takes checkpoints in exactly-once mode (two-phase-commit writers then hold output until commit).</summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>Where collect sinks deliver batches (set by the runtime).</summary>
    internal Func<object, CancellationToken, Task>? CollectedResults { get; init; }
}
