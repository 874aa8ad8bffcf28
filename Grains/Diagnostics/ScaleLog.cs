using Microsoft.Extensions.Logging;

namespace OrleansFlow.Diagnostics;

/// <summary>Log messages of membership changes (job redeploys, silo drains, job managers woken after a silo died), source-generated.</summary>
internal static partial class ScaleLog
{
    [LoggerMessage(OrleansFlowEventIds.JobRedeploying, LogLevel.Information, "Job {JobId} attempt {Attempt}: redeploying over the cluster's silos ({Reason})")]
    public static partial void JobRedeploying(ILogger logger, string jobId, int attempt, string reason);

    [LoggerMessage(OrleansFlowEventIds.SiloDrainStarted, LogLevel.Information, "Silo {Silo} stops gracefully: moving jobs and per-key grains to {Targets} other silo(s)")]
    public static partial void SiloDrainStarted(ILogger logger, string silo, int targets);

    [LoggerMessage(OrleansFlowEventIds.SiloDrainFinished, LogLevel.Information, "Silo {Silo} drained in {ElapsedMs} ms: {Jobs} job(s) redeployed, {Moved} grain(s) migrated, {Left} left")]
    public static partial void SiloDrainFinished(ILogger logger, string silo, long elapsedMs, int jobs, int moved, int left);

    [LoggerMessage(OrleansFlowEventIds.SiloDrainStepFailed, LogLevel.Warning, "Silo {Silo} drain: could not {Step}")]
    public static partial void SiloDrainStepFailed(ILogger logger, Exception exception, string silo, string step);

    [LoggerMessage(OrleansFlowEventIds.SiloDrainStepDone, LogLevel.Information, "Silo {Silo} drain: {Step} ({ElapsedMs} ms since the drain began)")]
    public static partial void SiloDrainStepDone(ILogger logger, string silo, string step, long elapsedMs);

    [LoggerMessage(OrleansFlowEventIds.SiloDrainGrainsStayed, LogLevel.Warning, "Silo {Silo} drain: {Count} grain(s) stayed on this silo and end with it: {Grains}")]
    public static partial void SiloDrainGrainsStayed(ILogger logger, string silo, int count, string grains);

    [LoggerMessage(OrleansFlowEventIds.JobManagersWoken, LogLevel.Information, "Silo {Silo}: a silo died; woke the job managers of {Jobs} job(s)")]
    public static partial void JobManagersWoken(ILogger logger, string silo, int jobs);

    [LoggerMessage(OrleansFlowEventIds.JobManagerWakeUpFailed, LogLevel.Warning, "Silo {Silo}: a silo died; could not wake every job manager")]
    public static partial void JobManagerWakeUpFailed(ILogger logger, Exception exception, string silo);
}
