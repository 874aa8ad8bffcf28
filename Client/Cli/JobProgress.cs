using System.Globalization;
using OrleansFlow.Jobs;

namespace OrleansFlow.Cli;

/// <summary>
/// While a command waits for a job, writes a line every <see cref="Period"/>: status, attempt, records read by the
/// sources, records taken by the last vertex, and the latest completed checkpoint. On when stderr is a terminal or with
/// <c>--progress</c>; a failed read of the job's details skips a line, never the wait. When the job has ended,
/// <see cref="WriteCheckpointSummaryAsync"/> writes the checkpoint summary line.
/// </summary>
internal static class JobProgress
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>Reports on <paramref name="job"/> to <paramref name="stderr"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task ReportAsync(JobClient job, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (await LineAsync(job, cancellationToken) is { } line)
                {
                    await stderr.WriteLineAsync(line);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The wait is over.
        }
    }

    /// <summary>
    /// After the job ended: writes its checkpoint summary line (<see cref="CheckpointSummaryLine"/>) to
    /// <paramref name="stderr"/> when checkpointing was on, nothing when it was off, and a line saying so when the
    /// details cannot be read (the job's outcome stands either way).
    /// </summary>
    public static async Task WriteCheckpointSummaryAsync(JobClient job, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            var details = await job.GetDetailsAsync(cancellationToken);
            line = details.Checkpoints is { } checkpoints ? CheckpointSummaryLine.Format(checkpoints.Summary) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            line = $"checkpoints: the summary could not be read: {e.Message}";
        }

        if (line is not null)
        {
            await stderr.WriteLineAsync(line);
        }
    }

    private static async Task<string?> LineAsync(JobClient job, CancellationToken cancellationToken)
    {
        try
        {
            var details = await job.GetDetailsAsync(cancellationToken);
            var status = details.Status;
            var read = details.Vertices.Count > 0 ? details.Vertices[0].RecordsIn : 0;
            var last = details.Vertices.Count > 0 ? details.Vertices[^1].RecordsIn : 0;
            var checkpoint = details.Checkpoints is { LatestCompletedId: > 0 } c ? $", checkpoint {c.LatestCompletedId}" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"job {status.JobId}: {status.Status}, attempt {status.Attempt}, {read:N0} records read, {last:N0} into '{details.Vertices[^1].Name}'{checkpoint}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }
}
