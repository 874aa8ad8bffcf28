using System.Diagnostics;

namespace OrleansFlow.Bench;

/// <summary>
/// Measures one phase: wall time, GC activity and a sampled peak of the managed heap. The peak working set is the
/// process's (<see cref="Process.PeakWorkingSet64"/>); <see cref="TryResetPeakWorkingSet"/> restarts it on Linux.
/// </summary>
internal sealed class PhaseMeter : IDisposable
{
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
    private readonly int _gen0 = GC.CollectionCount(0);
    private readonly int _gen1 = GC.CollectionCount(1);
    private readonly int _gen2 = GC.CollectionCount(2);
    private readonly TimeSpan _pauseAtStart = GC.GetTotalPauseDuration();
    private readonly Timer _sampler;
    private long _start = Stopwatch.GetTimestamp();
    private long _peakHeap;

    public PhaseMeter()
    {
        Sample();
        _sampler = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
    }

    /// <summary>Restarts the clock (not the GC counters) at the start of the measured part.</summary>
    public void RestartClock() => _start = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public PhaseResult Stop(string name, long events, TimeSpan elapsed, string peakCovers, IReadOnlyList<string> notes)
    {
        _sampler.Dispose();
        Sample();
        using var process = Process.GetCurrentProcess();
        return new PhaseResult(
            name,
            events,
            elapsed.TotalSeconds,
            process.PeakWorkingSet64,
            peakCovers,
            Interlocked.Read(ref _peakHeap),
            GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            (GC.GetTotalPauseDuration() - _pauseAtStart).TotalSeconds,
            notes);
    }

    public void Dispose() => _sampler.Dispose();

    /// <summary>Resets the kernel's peak RSS (VmHWM, which PeakWorkingSet64 reads) of this process; Linux only.</summary>
    public static bool TryResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private void Sample()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        while (heap > (seen = Interlocked.Read(ref _peakHeap)) && Interlocked.CompareExchange(ref _peakHeap, heap, seen) != seen)
        {
        }
    }
}
