namespace OrleansFlow.Bench;

/// <summary>What one benchmark phase measured.</summary>
/// <param name="Name">The phase.</param>
/// <param name="Events">Events processed (verified).</param>
/// <param name="Seconds">Wall time of the measured part.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set, from start (or the last reset) to the end of the phase.</param>
/// <param name="PeakWorkingSetCovers">What the peak working set covers.</param>
/// <param name="PeakManagedHeapBytes">Largest GC heap size seen by sampling every 20 ms during the phase.</param>
/// <param name="AllocatedBytes">Bytes allocated during the phase, all threads.</param>
/// <param name="Gen0">Gen 0 collections during the phase.</param>
/// <param name="Gen1">Gen 1 collections during the phase.</param>
/// <param name="Gen2">Gen 2 collections during the phase.</param>
/// <param name="GcPauseSeconds">Time the runtime was paused for GC during the phase.</param>
/// <param name="Notes">Extra figures (setup time, breakdowns), one per line.</param>
/// <param name="JobSeconds">For the engine: the job's own time, from submission returning (silo started, tasks deployed) to finished.</param>
internal sealed record PhaseResult(
    string Name,
    long Events,
    double Seconds,
    long PeakWorkingSetBytes,
    string PeakWorkingSetCovers,
    long PeakManagedHeapBytes,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    double GcPauseSeconds,
    IReadOnlyList<string> Notes,
    double? JobSeconds = null)
{
    public double EventsPerSecond => Events / Seconds;

    public double? JobEventsPerSecond => JobSeconds is { } seconds ? Events / seconds : null;
}
