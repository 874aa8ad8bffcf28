using OrleansFlow.Checkpoints;
using OrleansFlow.Jobs;
using OrleansFlow.Metrics;

namespace OrleansFlow.Silo.Web;

/// <summary>One line of <c>GET /jobs</c>.</summary>
internal sealed record JobSummaryView(string Id, string Name, string Status, int Attempt, DateTimeOffset SubmittedAt);

/// <summary><c>GET /jobs/{id}</c>: the job, its vertices with totals, rates and subtasks, and its checkpoints.</summary>
internal sealed record JobView(
    string Id,
    string Name,
    string Status,
    int Attempt,
    int FinishedTasks,
    int TotalTasks,
    DateTimeOffset SubmittedAt,
    DateTimeOffset SampledAt,
    JobFailure? Failure,
    JobFailure? LastFailure,
    IReadOnlyList<VertexView> Vertices,
    CheckpointsView? Checkpoints)
{
    public static JobView Of(JobDetails details, IReadOnlyDictionary<int, VertexRates> rates)
    {
        var s = details.Status;
        return new JobView(
            s.JobId, s.JobName, s.Status.ToString(), s.Attempt, s.FinishedTasks, s.TotalTasks, details.SubmittedAt, details.SampledAt, s.Failure, s.LastFailure,
            [.. details.Vertices.Select(v => VertexView.Of(v, rates.GetValueOrDefault(v.VertexId)))],
            details.Checkpoints is { } c ? CheckpointsView.Of(c) : null);
    }
}

/// <summary>A vertex: totals over its subtasks, rates since the previous sample (null on the first), and the subtasks.</summary>
internal sealed record VertexView(
    int Id,
    string Name,
    int Parallelism,
    long RecordsIn,
    long RecordsOut,
    double? RecordsInPerSecond,
    double? RecordsOutPerSecond,
    double? BackPressuredMsPerSecond,
    int OutputBatchesInFlight,
    long? Watermark,
    IReadOnlyList<TaskMetrics> Subtasks)
{
    public static VertexView Of(VertexDetails v, VertexRates? rates) =>
        new(v.VertexId, v.Name, v.Parallelism, v.RecordsIn, v.RecordsOut, rates?.RecordsInPerSecond, rates?.RecordsOutPerSecond,
            rates?.BackPressuredMsPerSecond, v.OutputBatchesInFlight, v.Watermark, v.Subtasks);
}

/// <summary>
/// <c>GET /jobs/{id}/checkpoints</c>, shaped like Flink's: counts, the latest completed one, the summary of the
/// completed checkpoints in the history, the history (newest first).
/// </summary>
internal sealed record CheckpointsView(int Completed, int Failed, int Restarts, long LatestCompletedId, CheckpointSummaryView Summary, IReadOnlyList<CheckpointView> History)
{
    public static CheckpointsView Of(CheckpointOverview overview) =>
        new(overview.Completed, overview.Failed, overview.Restarts, overview.LatestCompletedId, CheckpointSummaryView.Of(overview.Summary),
            [.. overview.History.Select(CheckpointView.Of)]);
}

/// <summary>
/// Flink's checkpoint <c>summary</c> object in our naming (<c>end_to_end_duration</c> → <c>endToEndDuration</c>,
/// <c>state_size</c> → <c>stateSize</c>), each null while the history holds no completed checkpoint. The lifetime
/// counts are the enclosing view's <c>completed</c> and <c>failed</c>.
/// </summary>
internal sealed record CheckpointSummaryView(StatsSummaryView? EndToEndDuration, StatsSummaryView? StateSize)
{
    public static CheckpointSummaryView Of(CheckpointSummary summary) =>
        new(StatsSummaryView.Of(summary.EndToEndDuration), StatsSummaryView.Of(summary.StateSize));
}

/// <summary>Flink's <c>StatsSummaryDto</c> (min, max, avg, p50, p90, p95, p99, p999) plus the number of checkpoints it covers.</summary>
internal sealed record StatsSummaryView(int Count, long Min, long Max, long Avg, double P50, double P90, double P95, double P99, double P999)
{
    public static StatsSummaryView? Of(StatsSummary? stats) =>
        stats is null ? null : new(stats.Count, stats.Min, stats.Max, stats.Average, stats.P50, stats.P90, stats.P95, stats.P99, stats.P999);
}

/// <summary>One checkpoint of the history.</summary>
internal sealed record CheckpointView(long Id, int Attempt, DateTimeOffset TriggerTime, long? DurationMs, long StateSize, string Status, string? FailureReason, bool IsSavepoint)
{
    public static CheckpointView Of(CheckpointStats stats) =>
        new(stats.CheckpointId, stats.Attempt, stats.TriggerTime, stats.DurationMs, stats.StateSize, stats.Status.ToString(), stats.FailureReason, stats.IsSavepoint);
}
