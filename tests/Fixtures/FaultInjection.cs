using System.Collections.Concurrent;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// Faults a test plans for its job's user functions, which trip them. Keyed by a run id passed to the job as an
/// argument: the test cluster's silos run in the test process, so the functions see the same object. Two kinds of
/// throw: one armed while the job runs (<see cref="ArmThrow"/>) fires once, on the next record that reaches it,
/// whichever subtask or attempt that is; planned ones (<see cref="ArmThrowAt"/>) fire at given call counts, where
/// every call counts (replays after a restart count again). A gate (<see cref="ArmGate"/>) fires once too: the next
/// function through it waits until the test opens it (never a timed stall, which races whatever the test waits for).
/// </summary>
public sealed class FaultInjection
{
    private static readonly ConcurrentDictionary<string, FaultInjection> Runs = new();
    private HashSet<long> _throwAt = [];
    private long _calls;
    private int _throwArmed;
    private int _thrown;
    private int _stalled;
    private int _gateArmed;
    private long _gateAt = -1;
    private readonly TaskCompletionSource _gateOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gateEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sourceLimit = long.MaxValue;
    private TaskCompletionSource _sourceLimitMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static FaultInjection Of(string run) => Runs.GetOrAdd(run, _ => new FaultInjection());

    /// <summary>How many times a throw (armed or planned) fired.</summary>
    public int Thrown => Volatile.Read(ref _thrown);

    /// <summary>How many times an armed stall or gate fired.</summary>
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
    /// The next record through <see cref="StallIfArmed"/> (which blocks its thread: the subtask's activation can take
    /// no calls, as at a breakpoint) or <see cref="StallIfArmedAsync"/> (which awaits: the activation stays free)
    /// waits until <see cref="OpenGate"/>. Once per run.
    /// </summary>
    public void ArmGate() => Volatile.Write(ref _gateArmed, 1);

    /// <summary>
    /// Record number <paramref name="record"/> through <see cref="HoldIfGatedAt"/> blocks its thread until
    /// <see cref="OpenGate"/> (the same gate as <see cref="ArmGate"/>; <see cref="GateEntered"/> completes when it waits).
    /// </summary>
    public void ArmGateAt(long record) => Interlocked.Exchange(ref _gateAt, record);

    /// <summary>Completes when a function reached the armed gate and started waiting.</summary>
    public Task GateEntered => _gateEntered.Task;

    /// <summary>Lets the function waiting at the gate (and any later one) go on.</summary>
    public void OpenGate()
    {
        _gateOpened.TrySetResult();
    }

    /// <summary>
    /// Holds every source reader wrapped in <see cref="HeldSource{T}"/> at local position <paramref name="position"/>:
    /// each reads up to it, then reads nothing (the subtask stays running and takes checkpoints) until the hold moves.
    /// </summary>
    public void HoldSourcesAt(long position)
    {
        Interlocked.Exchange(ref _sourceLimit, position);
        Interlocked.Exchange(ref _sourceLimitMoved, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Lets the held sources read to their end.</summary>
    public void ReleaseSources() => HoldSourcesAt(long.MaxValue);

    /// <summary>The local position held sources may not read past.</summary>
    public long SourceLimit => Interlocked.Read(ref _sourceLimit);

    /// <summary>Completes when the hold next moves (take it before reading <see cref="SourceLimit"/>).</summary>
    public Task SourceLimitMoved => Volatile.Read(ref _sourceLimitMoved).Task;

    /// <summary>Clears every armed and planned fault, opens the gate and releases the sources, so a job that outlives its test runs on undisturbed.</summary>
    public void Disarm()
    {
        ReleaseSources();
        Volatile.Write(ref _throwAt, []);
        Volatile.Write(ref _throwArmed, 0);
        Volatile.Write(ref _gateArmed, 0);
        Interlocked.Exchange(ref _gateAt, -1);
        OpenGate();
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
        if (EnterGate())
        {
            _gateOpened.Task.Wait(); // blocks the thread, as a breakpoint would
        }
    }

    /// <summary>Blocks the thread at the record <see cref="ArmGateAt"/> named, until the gate opens.</summary>
    public void HoldIfGatedAt(long record)
    {
        if (record == Volatile.Read(ref _gateAt) && Interlocked.CompareExchange(ref _gateAt, -1, record) == record)
        {
            Interlocked.Increment(ref _stalled);
            _gateEntered.TrySetResult();
            _gateOpened.Task.Wait();
        }
    }

    /// <summary>As <see cref="StallIfArmed"/>'s gate, awaiting instead of blocking.</summary>
    public Task StallIfArmedAsync() => EnterGate() ? _gateOpened.Task : Task.CompletedTask;

    private bool EnterGate()
    {
        if (Interlocked.Exchange(ref _gateArmed, 0) != 1)
        {
            return false;
        }

        Interlocked.Increment(ref _stalled);
        _gateEntered.TrySetResult();
        return true;
    }
}
