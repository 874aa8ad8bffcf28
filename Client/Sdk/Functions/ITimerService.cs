namespace OrleansFlow.Functions;

/// <summary>Clocks and timers of the current key. Timers of one key and time are deduplicated, as in Flink.</summary>
public interface ITimerService
{
    /// <summary>The operator's current event-time watermark (long.MinValue before the first one).</summary>
    long CurrentWatermark { get; }

    /// <summary>Wall-clock time in ms since the Unix epoch.</summary>
    long CurrentProcessingTime { get; }

    /// <summary>Calls OnTimer when the watermark reaches <paramref name="time"/>.</summary>
    void RegisterEventTimeTimer(long time);

    /// <summary>Calls OnTimer when the wall clock reaches <paramref name="time"/>.</summary>
    void RegisterProcessingTimeTimer(long time);

    /// <summary>Removes an event-time timer of the current key, if any.</summary>
    void DeleteEventTimeTimer(long time);

    /// <summary>Removes a processing-time timer of the current key, if any.</summary>
    void DeleteProcessingTimeTimer(long time);
}
