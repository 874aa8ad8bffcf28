using System.Collections.Concurrent;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// One-shot faults a test arms while its job runs; the job's user functions trip them. Keyed by a run id passed to
/// the job as an argument: the test cluster's silos run in the test process, so the functions see the same object.
/// Each armed fault fires exactly once, on the first record that reaches it, whichever subtask or attempt that is.
/// </summary>
public sealed class FaultInjection
{
    private static readonly ConcurrentDictionary<string, FaultInjection> Runs = new();
    private int _throwArmed;
    private long _stallMs;
    private int _thrown;
    private int _stalled;

    public static FaultInjection Of(string run) => Runs.GetOrAdd(run, _ => new FaultInjection());

    /// <summary>How many times an armed throw fired.</summary>
    public int Thrown => Volatile.Read(ref _thrown);

    /// <summary>How many times an armed stall fired.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    /// <summary>The next record through <see cref="ThrowIfArmed"/> throws.</summary>
    public void ArmThrow() => Volatile.Write(ref _throwArmed, 1);

    /// <summary>
    /// The next record through <see cref="StallIfArmed"/> blocks its thread for <paramref name="duration"/>. User
    /// functions run inside grain turns, so this blocks the subtask (or per-key grain) running the function.
    /// </summary>
    public void ArmStall(TimeSpan duration) => Interlocked.Exchange(ref _stallMs, (long)duration.TotalMilliseconds);

    public void ThrowIfArmed(long record)
    {
        if (Interlocked.Exchange(ref _throwArmed, 0) == 1)
        {
            Interlocked.Increment(ref _thrown);
            throw new InvalidOperationException($"injected failure at record {record}");
        }
    }

    public void StallIfArmed()
    {
        var ms = Interlocked.Exchange(ref _stallMs, 0);
        if (ms > 0)
        {
            Interlocked.Increment(ref _stalled);
            Thread.Sleep(TimeSpan.FromMilliseconds(ms));
        }
    }
}
