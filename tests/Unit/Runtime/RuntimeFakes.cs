using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpointing.Segments;
using OrleansFlow.Checkpoints;
using OrleansFlow.Execution;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tests.Unit.Runtime;

/// <summary>A coordinator that records what a subtask tells it; either call can be made to fail.</summary>
internal sealed class FakeResponder(List<string>? log = null) : ICheckpointResponder
{
    public List<(long CheckpointId, TaskSnapshot Snapshot)> Acknowledged { get; } = [];

    public List<(long CheckpointId, DeclineKind Kind, string Reason)> Declined { get; } = [];

    public Exception? AcknowledgeFailure { get; set; }

    public Exception? DeclineFailure { get; set; }

    public Task AcknowledgeAsync(long checkpointId, TaskSnapshot snapshot, CancellationToken cancellationToken)
    {
        log?.Add($"acknowledge {checkpointId}");
        if (AcknowledgeFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        Acknowledged.Add((checkpointId, snapshot));
        return Task.CompletedTask;
    }

    public Task DeclineAsync(long checkpointId, DeclineKind kind, string reason, CancellationToken cancellationToken)
    {
        log?.Add($"decline {checkpointId} {kind}");
        if (DeclineFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        Declined.Add((checkpointId, kind, reason));
        return Task.CompletedTask;
    }
}

/// <summary>A sink that records its calls in a shared log and seals a state of its own at each checkpoint.</summary>
internal sealed class FakeSink(string name, List<string> log, byte[]? sealedState = null) : ISinkCollector
{
    public Exception? CommitFailure { get; set; }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        log.Add($"{name} flush");
        return ValueTask.CompletedTask;
    }

    public ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        log.Add($"{name} finish");
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        log.Add($"{name} seal {checkpointId}");
        return ValueTask.FromResult(sealedState);
    }

    public ValueTask CommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        log.Add($"{name} commit {checkpointId}");
        return CommitFailure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Keyed snapshots whose writes complete when the test says.</summary>
internal sealed class FakeKeyedSnapshots : IKeyedSnapshots
{
    public Dictionary<long, TaskCompletionSource<KeyedCheckpoint>> Writes { get; } = [];

    public List<long> Discarded { get; } = [];

    public List<(long CheckpointId, IReadOnlyList<SegmentRef>? Confirmed)> Completed { get; } = [];

    public Exception? DiscardFailure { get; set; }

    public (Task<KeyedCheckpoint> Delta, SegmentRef? Materializing) Capture(long checkpointId, int attempt, CancellationToken cancellationToken)
    {
        var write = new TaskCompletionSource<KeyedCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        Writes[checkpointId] = write;
        return (write.Task, null);
    }

    public Task DiscardAsync(long checkpointId, int attempt)
    {
        Discarded.Add(checkpointId);
        return DiscardFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public void OnCompleted(long checkpointId, IReadOnlyList<SegmentRef>? confirmed) => Completed.Add((checkpointId, confirmed));

    public Task AbandonMaterializationAsync() => Task.CompletedTask;

    public static KeyedCheckpoint Written(long checkpointId, int entries, long bytes)
    {
        var segment = new SegmentRef("job", 1, 0, 1, checkpointId, Full: false, Parts: 1, Entries: entries, Bytes: bytes);
        return new KeyedCheckpoint([segment], segment);
    }
}

/// <summary>A watermark assigner standing at a fixed watermark.</summary>
internal sealed class FakeAssigner(long watermark) : IWatermarkAssigner
{
    public long CurrentWatermark { get; private set; } = watermark;

    public void RestoreWatermark(long watermark) => CurrentWatermark = watermark;
}

/// <summary>A logger that keeps what was logged.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, EventId EventId, Exception? Exception, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, eventId, exception, formatter(state, exception)));
        }
    }
}
