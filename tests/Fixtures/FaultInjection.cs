using System.Collections.Concurrent;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Faults a test plans for its job's user functions, which trip them. Keyed by a run id passed to the job as an
/// argument: the test cluster's silos run in the test process, so the functions see the same object. Two kinds of
/// throw: one armed while the job runs (<see cref="ArmThrow"/>) fires once, on the next record that reaches it,
/// whichever subtask or attempt that is; planned ones (<see cref="ArmThrowAt"/>) fire at given call counts, where
/// every call counts (replays after a restart count again). A stall (<see cref="ArmStall"/>) fires once too.
/// </summary>
public sealed class FaultInjection
{
    private static readonly ConcurrentDictionary<string, FaultInjection> Runs = new();
    private HashSet<long> _throwAt = [];
    private long _calls;
    private int _throwArmed;
    private long _stallMs;
    private int _thrown;
    private int _stalled;

    public static FaultInjection Of(string run) => Runs.GetOrAdd(run, _ => new FaultInjection());

    /// <summary>How many times a throw (armed or planned) fired.</summary>
    public int Thrown => Volatile.Read(ref _thrown);

    /// <summary>How many times an armed stall fired.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    /// <summary>The next record through <see cref="ThrowIfArmed"/> throws.</summary>
    public void ArmThrow() => Volatile.Write(ref _throwArmed, 1);

    /// <summary>
    /// Plans throws at these counts (1-based) of calls to <see cref="ThrowIfArmed"/>, counted from now over every
    /// subtask and attempt; each planned count throws once. Arm before the job starts, so the counts are the job's.
    /// </summary>
    public void ArmThrowAt(IEnumerable<long> calls)
    {
        Interlocked.Exchange(ref _calls, 0);
        Volatile.Write(ref _throwAt, [.. calls]);
    }

    /// <summary>
    /// The next record through <see cref="StallIfArmed"/> blocks its thread for <paramref name="duration"/>. User
    /// functions run inside grain turns, so this blocks the subtask (or per-key grain) running the function.
    /// </summary>
    public void ArmStall(TimeSpan duration) => Interlocked.Exchange(ref _stallMs, (long)duration.TotalMilliseconds);

    /// <summary>Clears every armed and planned fault, so a job that outlives its test runs on undisturbed.</summary>
    public void Disarm()
    {
        Volatile.Write(ref _throwAt, []);
        Volatile.Write(ref _throwArmed, 0);
        Interlocked.Exchange(ref _stallMs, 0);
    }

    /// <summary>Counts a call; throws if a throw is armed or this call's count is planned.</summary>
    public void ThrowIfArmed(long record)
    {
        var call = Interlocked.Increment(ref _calls);
        if (Interlocked.Exchange(ref _throwArmed, 0) == 1 || Volatile.Read(ref _throwAt).Contains(call))
        {
            Interlocked.Increment(ref _thrown);
            throw new InvalidOperationException($"injected failure at record {record} (call {call})");
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
