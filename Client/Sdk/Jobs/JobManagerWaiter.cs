using OrleansFlow.Configuration;

namespace OrleansFlow.Jobs;

/// <summary>
/// Long-polls a job manager for its status, riding out silo failures. When the job manager's silo dies while a poll
/// is in flight, the poll either fails with a rejection or never gets an answer (the gateway that forwarded it does
/// not fail it; Orleans would give up after its 30 s response timeout). So each poll is cut off shortly after its
/// own wait, and such failures are retried after a short delay (the next call activates the job manager on a live
/// silo, through any live gateway) until the cluster has not answered for <see cref="JobClientOptions.UnreachableTimeout"/>.
/// A poll is cut off <see cref="JobClientOptions.PollGrace"/> after its wait and made again after
/// <see cref="JobClientOptions.PollRetryDelay"/>.
/// </summary>
internal sealed class JobManagerWaiter(IJobManagerGrain manager, TimeSpan pollInterval, JobClientOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long? _unansweredSince;

    /// <summary>One poll: the status once the job is terminal or <c>pollInterval</c> has passed.</summary>
    public async Task<JobStatusInfo> WaitOnceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var deadline = new CancellationTokenSource(pollInterval + options.PollGrace, _time))
            using (var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
            {
                try
                {
                    var status = await manager.WaitForTerminalAsync(pollInterval, call.Token).ConfigureAwait(false);
                    _unansweredSince = null;
                    return status;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
                {
                    _unansweredSince ??= _time.GetTimestamp();
                    if (_time.GetElapsedTime(_unansweredSince.Value) > options.UnreachableTimeout)
                    {
                        throw;
                    }
                }
            }

            await Task.Delay(options.PollRetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Failures a lost silo or gateway causes; anything else (an unknown job, a bug) is not retried.</summary>
    private static bool IsTransient(Exception e) => e is OperationCanceledException || ClusterCallRetry.IsTransient(e);
}
