using OrleansFlow.Diagnostics;
using OrleansFlow.Runtime;

namespace OrleansFlow.Tasks;

/// <summary>
/// The subtask's timers: processing-time timers of its operators, the flush of input a keyed subtask gathered, periodic
/// watermarks and the sweep that passivates idle keys. Each runs a step of the <see cref="TaskRuntime"/> and
/// fails the task when that step throws.
/// </summary>
internal sealed partial class TaskGrain
{
    private IGrainTimer? _processingTimer;
    private long? _processingTimerDue;
    private IGrainTimer? _lingerTimer;
    private IGrainTimer? _passivationTimer;
    private long _lastInputTicks;
    private long _firstBufferedTicks;

    /// <summary>How often a keyed task looks for idle keys: an eighth of the idle time, between 100 ms and 10 s.</summary>
    internal static TimeSpan PassivationSweepPeriod(TimeSpan idle) =>
        TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 8, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(10).Ticks));

    /// <summary>Passivates the keys of a keyed task that have been idle for the job's idle time.</summary>
    private async Task PassivateIdleKeysAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime || _failed)
        {
            return;
        }

        try
        {
            var passivated = await runtime.PassivateIdleKeysAsync(idle);
            if (passivated > 0)
            {
                Log.KeysPassivated(logger, this.GetPrimaryKeyString(), passivated, runtime.ResidentKeys);
            }
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    private void ScheduleProcessingTimer(TaskRuntime runtime)
    {
        var next = runtime.NextProcessingTimer;
        if (next == _processingTimerDue)
        {
            return;
        }

        _processingTimer?.Dispose();
        _processingTimerDue = next;
        if (next is not { } due)
        {
            _processingTimer = null;
            return;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Max(0, due - time.GetUtcNow().ToUnixTimeMilliseconds()));
        _processingTimer = this.RegisterGrainTimer(FireProcessingTimersAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>
    /// A keyed subtask that gathered input sends it once the input has been quiet for a moment, or once the oldest
    /// gathered record has waited the job's buffer timeout, whichever comes first.
    /// </summary>
    private void ScheduleLingerFlush(TaskRuntime runtime)
    {
        var now = time.GetTimestamp();
        _lastInputTicks = now;
        if (!runtime.HasBufferedInput)
        {
            _firstBufferedTicks = 0;
            return;
        }

        if (_firstBufferedTicks == 0)
        {
            _firstBufferedTicks = now;
        }

        _lingerTimer ??= this.RegisterGrainTimer(FlushLingeringInputAsync, new GrainTimerCreationOptions(taskOptions.Value.InputLinger, taskOptions.Value.InputLinger) { KeepAlive = true });
    }

    private async Task FlushLingeringInputAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime || _failed || !runtime.HasBufferedInput)
        {
            _lingerTimer?.Dispose();
            _lingerTimer = null;
            _firstBufferedTicks = 0;
            return;
        }

        var quiet = time.GetElapsedTime(_lastInputTicks) >= taskOptions.Value.InputLinger;
        var waitedLongEnough = time.GetElapsedTime(_firstBufferedTicks).TotalMilliseconds >= runtime.BufferTimeoutMs;
        if (!quiet && !waitedLongEnough)
        {
            return;
        }

        _lingerTimer?.Dispose();
        _lingerTimer = null;
        _firstBufferedTicks = 0;
        try
        {
            await runtime.FlushBufferedInputAsync();
            ScheduleProcessingTimer(runtime);
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    /// <summary>Periodic watermark generators (and idleness detection) run on the auto-watermark interval.</summary>
    private async Task EmitPeriodicWatermarksAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime || _failed)
        {
            return;
        }

        try
        {
            await runtime.EmitPeriodicAsync();
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }

    private async Task FireProcessingTimersAsync(CancellationToken cancellationToken)
    {
        if (_runtime is not { } runtime || _failed)
        {
            return;
        }

        try
        {
            _processingTimerDue = null;
            await runtime.FireProcessingTimersAsync();
            ScheduleProcessingTimer(runtime);
        }
        catch (Exception e)
        {
            await FailAsync(e);
        }
    }
}
