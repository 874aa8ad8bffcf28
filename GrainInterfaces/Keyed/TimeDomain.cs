namespace OrleansFlow.Keyed;

/// <summary>The clock a timer follows.</summary>
public enum TimeDomain : byte
{
    /// <summary>Fires when the watermark reaches the timer's time.</summary>
    EventTime = 0,

    /// <summary>Fires when the wall clock reaches the timer's time.</summary>
    ProcessingTime = 1,
}
