using System.Globalization;
using OrleansFlow.Jobs;

namespace OrleansFlow.Cli;

/// <summary>
/// Writes a savepoint's progress as lines on stderr: the first report of each phase at once, then at most one line per
/// <c>period</c> (the SDK reports every status read, about every 50 ms).
/// </summary>
internal sealed class SavepointProgressWriter(TextWriter stderr, TimeSpan period, TimeProvider? time = null) : IProgress<SavepointProgress>
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private SavepointPhase? _phase;
    private long _lastLine;

    public void Report(SavepointProgress value)
    {
        var now = _time.GetTimestamp();
        if (value.Phase == _phase && _time.GetElapsedTime(_lastLine, now) < period)
        {
            return;
        }

        _phase = value.Phase;
        _lastLine = now;
        stderr.WriteLine(Line(value));
    }

    /// <summary>The line for one report.</summary>
    public static string Line(SavepointProgress value) => value.Phase switch
    {
        SavepointPhase.InProgress => string.Create(CultureInfo.InvariantCulture,
            $"job {value.JobId}: savepoint {value.CheckpointId} in progress ({value.Elapsed.TotalSeconds:0.0} s)"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"job {value.JobId}: savepoint {value.CheckpointId} completed, waiting for the job to stop: {value.JobStatus} ({value.Elapsed.TotalSeconds:0.0} s)"),
    };
}
