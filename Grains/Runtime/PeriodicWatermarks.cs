using OrleansFlow.Execution;

namespace OrleansFlow.Runtime;

/// <summary>
/// Runs a chain's periodic watermark generators at most once per auto-watermark interval (Flink's
/// <c>autoWatermarkInterval</c>), as input passes or when the task's timer says so.
/// </summary>
internal sealed class PeriodicWatermarks(IReadOnlyList<IPeriodicEmitter> emitters, TimeSpan interval, TimeProvider time)
{
    private long _lastEmit = time.GetTimestamp();

    /// <summary>Whether the chain has periodic generators at all.</summary>
    public bool Any => emitters.Count > 0;

    /// <summary>Runs the generators if an interval has passed since they last ran, or at once when <paramref name="force"/>d.</summary>
    public void EmitIfDue(bool force = false)
    {
        if (emitters.Count == 0 || (!force && time.GetElapsedTime(_lastEmit) < interval))
        {
            return;
        }

        _lastEmit = time.GetTimestamp();
        foreach (var emitter in emitters)
        {
            emitter.EmitPeriodic();
        }
    }
}
