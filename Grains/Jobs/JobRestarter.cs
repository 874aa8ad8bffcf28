using Microsoft.Extensions.Logging;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Jobs;

/// <summary>
/// The failover path of a job (Flink's scheduler: handle a task failure, restart the tasks after the strategy's
/// delay): a failure goes to <see cref="JobLifecycle"/>, whose restart strategy decides; this class carries the decision
/// out through <see cref="IJobAttemptControl"/>. Every step that can fail lands in a defined state: reading the latest
/// checkpoint, writing the new attempt and deploying it each hand their failure back to the restart strategy (restart
/// again after its delay, or Failed), and a stale activation steps aside. A job whose attempts keep coinciding with
/// silo deaths is not restarted but Failed as poisonous (<see cref="PoisonousJobGuard"/>). Plain and single-threaded (the grain calls
/// it from its turns); unit-tested with a fake control and fake time.
/// </summary>
internal sealed class JobRestarter(
    string jobId,
    Func<JobManagerState> job,
    JobLifecycle lifecycle,
    IJobAttemptControl control,
    TimeProvider time,
    JobManagerOptions options,
    ILogger logger)
{
    private JobManagerState Job => job();

    /// <summary>Counts attempts that coincide with silo deaths and stops redeploying a poisonous job.</summary>
    public PoisonousJobGuard Poison { get; } = new(job, options.PoisonousJobSiloDeaths);

    /// <summary>
    /// Hands a failure of <paramref name="attempt"/> to the restart strategy: a failure of an older attempt, or while a
    /// restart or cancellation is under way, is ignored. Restarting: the coordinator stops first (no checkpoint of the
    /// failed attempt may complete), the state is written, the tasks are cancelled and the restart is scheduled.
    /// Giving up: the job is Failed, written, and its coordinator and tasks are stopped.
    /// </summary>
    public async Task HandleFailureAsync(int attempt, JobFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (!lifecycle.IsFailureToHandle(attempt) || await control.AbsorbedByRedeployAsync(attempt, failure))
        {
            return;
        }

        var decision = lifecycle.Fail(attempt, failure);
        if (!decision.ShouldRestart)
        {
            Log.JobFailed(logger, jobId, Job.Failure!.OperatorName, Job.Failure.Subtask, Job.Failure.Message);
            await control.KeepFinalMetricsAsync(attempt);
            await control.PersistAsync();
            await control.StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
            await control.CancelTasksAsync(attempt);
            return;
        }

        Log.JobRestarting(logger, jobId, attempt, failure.OperatorName, failure.Subtask, failure.Message, (long)decision.Delay.TotalMilliseconds);
        var failedAt = time.GetTimestamp();
        await control.StopCoordinatorAsync(jobEnded: false, discardCheckpoints: false);
        await control.PersistAsync();
        await control.CancelTasksAsync(attempt);

        // The delay counts from the failure, as Flink's: stopping the coordinator and cancelling the tasks overlap it.
        var remaining = decision.Delay - time.GetElapsedTime(failedAt);
        control.ScheduleRestart(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    /// <summary>A new attempt from the latest completed checkpoint, unless there is nothing to restart (see <see cref="JobLifecycle.BeginRestart"/>).</summary>
    public async Task RestartAsync()
    {
        if (!lifecycle.BeginRestart())
        {
            return;
        }

        try
        {
            await StartNewAttemptAsync();
        }
        finally
        {
            lifecycle.EndRestart();
        }
    }

    /// <summary>
    /// Deploys every task of the current attempt (within <see cref="JobManagerOptions.DeployTimeout"/>), marks the job
    /// Running, starts checkpointing, then starts the sources. Throws what failed; the caller decides what it means.
    /// </summary>
    public async Task DeployAttemptAsync(CancellationToken cancellationToken)
    {
        var attempt = Job.Attempt;
        try
        {
            await control.DeployTasksAsync(attempt, Job.RestorePoints[attempt], cancellationToken).WaitAsync(options.DeployTimeout, time, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"the tasks of attempt {attempt} were not all deployed within {options.DeployTimeout.TotalSeconds:0} s", e);
        }

        lifecycle.Deployed();
        await control.PersistAsync();
        await control.StartCoordinatorAsync(attempt, cancellationToken);
        await control.StartSourcesAsync(attempt, cancellationToken);
    }

    /// <remarks>
    /// Every failure on the way is handed to the restart strategy, Orleans' own OperationCanceledException ("Message
    /// expired before placement could complete") included: none may leave the job Restarting with no restart ahead.
    /// </remarks>
    private async Task StartNewAttemptAsync()
    {
        long restoreId;
        try
        {
            restoreId = await control.GetLatestCompletedCheckpointAsync();
        }
        catch (Exception e) when (e is not StaleActivationException)
        {
            // Storage or the coordinator is unavailable: try again after the strategy's delay.
            await StepFailedAsync(new JobFailure("(checkpoint coordinator)", 0, $"the latest checkpoint could not be read: {e.Message}", e.GetType().Name));
            return;
        }

        if (Poison.BeforeRestart(restoreId) is { } poisonous)
        {
            // Its attempts kept coinciding with silo deaths: another one would take the silos down again.
            lifecycle.Poisonous(new JobFailure("(job manager)", 0, poisonous, PoisonousJobGuard.PoisonousJobType));
            Log.JobFailed(logger, jobId, Job.Failure!.OperatorName, Job.Failure.Subtask, Job.Failure.Message);
            await control.PersistAsync();
            await control.StopCoordinatorAsync(jobEnded: true, discardCheckpoints: false);
            return;
        }

        lifecycle.NewAttempt(restoreId);
        Log.JobRestarted(logger, jobId, Job.Attempt, restoreId);
        try
        {
            // The new attempt number is durable before any of its tasks exists: a manager that fails over during the
            // deployment must never hand the same attempt number (and so the same task grains) out again. A stale copy
            // (another activation has written since) steps aside here without touching the job.
            await control.WriteNewAttemptAsync();
        }
        catch (StaleActivationException e)
        {
            control.StepAside(e.Message);
            return;
        }
        catch (Exception e)
        {
            // Storage is unavailable: the number stays taken in memory (skipping one is harmless); try again later.
            await StepFailedAsync(new JobFailure("(job manager)", 0, $"attempt {Job.Attempt} could not be persisted: {e.Message}", e.GetType().Name));
            return;
        }

        try
        {
            await DeployAttemptAsync(CancellationToken.None);
        }
        catch (StaleActivationException e)
        {
            control.StepAside(e.Message);
        }
        catch (Exception e)
        {
            Log.JobDeployFailed(logger, e, jobId);
            await StepFailedAsync(new JobFailure("(deployment)", 0, e.Message, e.GetType().Name));
        }
    }

    /// <summary>A step of the restart failed: the attempt counts as running again and the failure goes to the restart strategy.</summary>
    private Task StepFailedAsync(JobFailure failure)
    {
        lifecycle.RestartStepFailed();
        return HandleFailureAsync(Job.Attempt, failure);
    }
}
