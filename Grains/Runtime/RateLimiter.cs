using OrleansFlow.Jobs;

namespace OrleansFlow.Runtime;

/// <summary>Keeps a source subtask at a target rate: small batches, and a pause whenever it gets ahead of schedule.</summary>
internal sealed class RateLimiter(double recordsPerSecond, ExecutionSettings settings, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _produced;

    /// <summary>Records per batch: what the rate allows in one buffer timeout, between 1 and the batch size.</summary>
    public int BatchSize { get; } = (int)Math.Clamp(recordsPerSecond * settings.BufferTimeoutMs / 1000.0, 1, settings.BatchSize);

    /// <summary>The rate this subtask keeps.</summary>
    public double RecordsPerSecond => recordsPerSecond;

    /// <summary>
    /// The limiter of one of <paramref name="parallelism"/> subtasks of a source limited to <paramref name="totalPerSecond"/>
    /// records per second in all: each subtask keeps an equal share, so the source's rate does not depend on its parallelism.
    /// </summary>
    public static RateLimiter ForSubtask(double totalPerSecond, int parallelism, ExecutionSettings settings, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        return new RateLimiter(totalPerSecond / parallelism, settings, time);
    }

    public async Task WaitAsync(int produced, CancellationToken cancellationToken)
    {
        _produced += produced;
        var due = TimeSpan.FromSeconds(_produced / recordsPerSecond);
        var ahead = due - time.GetElapsedTime(_start);
        if (ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead, time, cancellationToken);
        }
    }
}
