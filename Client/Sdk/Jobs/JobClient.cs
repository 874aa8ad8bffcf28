using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansFlow.Checkpoints;
using OrleansFlow.Configuration;
using OrleansFlow.Graph;
using OrleansFlow.Keyed;
using OrleansFlow.Metrics;
using OrleansFlow.Sinks;

namespace OrleansFlow.Jobs;

/// <summary>A handle to a submitted job: status, completion, cancellation, live keyed state and collected results.</summary>
public sealed class JobClient
{
    private readonly IClusterClient _client;
    private readonly JobSubmission _submission;
    private readonly JobClientOptions _options;
    private readonly string? _submissionToken;

    /// <param name="client">The cluster's client.</param>
    /// <param name="submission">The job's submission.</param>
    /// <param name="submissionToken">The cluster's submission token, sent with cancel, savepoint and stop (the environment's <see cref="StreamExecutionEnvironment.SubmissionToken"/>).</param>
    internal JobClient(IClusterClient client, JobSubmission submission, string? submissionToken)
    {
        _client = client;
        _submission = submission;
        _options = OptionsOf(client);
        _submissionToken = submissionToken;
    }

    /// <summary>The job's id.</summary>
    public string JobId => _submission.JobId;

    /// <summary>The client's <see cref="JobClientOptions"/> (the defaults when it registered none).</summary>
    internal static JobClientOptions OptionsOf(IClusterClient client) =>
        client.ServiceProvider.GetService<IOptions<JobClientOptions>>()?.Value ?? new JobClientOptions();

    /// <summary>The job's name.</summary>
    public string JobName => _submission.JobName;

    /// <summary>The job's physical plan.</summary>
    public JobPlan Plan => _submission.Plan;

    private IJobManagerGrain Manager => _client.GetGrain<IJobManagerGrain>(JobId);

    /// <summary>The current status.</summary>
    public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        ClusterCallRetry.RunAsync(() => Manager.GetStatusAsync(cancellationToken), _options, cancellationToken);

    /// <summary>
    /// Status, the vertices with their subtasks' metrics (records in and out, watermark, back-pressure) and the
    /// checkpoint history, as the jobs page shows them.
    /// </summary>
    public Task<JobDetails> GetDetailsAsync(CancellationToken cancellationToken = default) =>
        ClusterCallRetry.RunAsync(() => Manager.GetDetailsAsync(cancellationToken), _options, cancellationToken);

    /// <summary>
    /// Reads every state of a keyed operator for one key given as text (as <c>flow state</c> does), each rendered with
    /// <see cref="object.ToString"/>; empty when the key has no state.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> QueryStateTextAsync(string operatorNameOrUid, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var op = Plan.FindOperator(operatorNameOrUid);
        // Rendered on the silo: the state may be of types this client does not have (uploaded job code).
        var grain = _client.GetGrain<IKeyedStateGrain>(GrainKeys.KeyedState(JobId, op.Id, key));
        return await grain.GetStateTextAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the job is Finished, Failed or Canceled and returns its status. Throws
    /// <see cref="JobExecutionException"/> when it failed, naming the operator and the error.
    /// </summary>
    public async Task<JobStatusInfo> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        var waiter = new JobManagerWaiter(Manager, _options.StatusPollInterval, _options);
        while (true)
        {
            var status = await waiter.WaitOnceAsync(cancellationToken).ConfigureAwait(false);
            if (status.Status == JobStatus.Failed)
            {
                throw new JobExecutionException(JobId, status.Failure ?? new JobFailure("?", 0, "unknown failure", "?"));
            }

            if (status.Status.IsTerminal())
            {
                return status;
            }
        }
    }

    /// <summary>
    /// Cancels the job and waits until it is Canceled (or already terminal). A cluster that requires a submission token
    /// requires it here too: the environment's (<see cref="StreamExecutionEnvironment.WithSubmissionToken"/>) is sent.
    /// </summary>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and this client has none or a wrong one.</exception>
    public async Task<JobStatusInfo> CancelAsync(CancellationToken cancellationToken = default)
    {
        await ClusterCallRetry.RunAsync(() => Manager.CancelAsync(_submissionToken, cancellationToken), _options, cancellationToken).ConfigureAwait(false);
        var waiter = new JobManagerWaiter(Manager, _options.StatusPollInterval, _options);
        while (true)
        {
            var status = await waiter.WaitOnceAsync(cancellationToken).ConfigureAwait(false);
            if (status.Status.IsTerminal())
            {
                return status;
            }
        }
    }

    /// <summary>
    /// Takes a savepoint of the running job (Flink's <c>flink savepoint</c>) and waits until it is durable. The job
    /// goes on. Start a new job from it with <see cref="StreamExecutionEnvironment.RestoreFrom"/>. It survives the
    /// job's end and silo restarts. The job must take checkpoints (its barriers carry the savepoint).
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is not running or its checkpointing is off.</exception>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and this client has none or a wrong one.</exception>
    /// <exception cref="SavepointException">The savepoint failed (the job goes on).</exception>
    public Task<Savepoint> TriggerSavepointAsync(CancellationToken cancellationToken = default) => TakeSavepointAsync(stop: false, progress: null, cancellationToken);

    /// <summary>
    /// <see cref="TriggerSavepointAsync(CancellationToken)"/>, telling <paramref name="progress"/> where the savepoint
    /// stands while it is written (each time its status is read, every <see cref="JobClientOptions.SavepointPollInterval"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is not running or its checkpointing is off.</exception>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and this client has none or a wrong one.</exception>
    /// <exception cref="SavepointException">The savepoint failed (the job goes on).</exception>
    public Task<Savepoint> TriggerSavepointAsync(IProgress<SavepointProgress>? progress, CancellationToken cancellationToken = default) =>
        TakeSavepointAsync(stop: false, progress, cancellationToken);

    /// <summary>
    /// Flink's stop-with-savepoint: takes a savepoint, after which no checkpoint is taken; once it is durable its
    /// output is committed, the tasks are stopped and the job ends <see cref="JobStatus.Finished"/> (what sources read
    /// after the savepoint is not committed: a job restored from the savepoint reads it again). Returns once the job
    /// has ended. If the savepoint fails, the job goes on running and this throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is not running or its checkpointing is off.</exception>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and this client has none or a wrong one.</exception>
    /// <exception cref="SavepointException">The savepoint failed (the job goes on).</exception>
    public Task<Savepoint> StopWithSavepointAsync(CancellationToken cancellationToken = default) => StopWithSavepointAsync(progress: null, cancellationToken);

    /// <summary>
    /// <see cref="StopWithSavepointAsync(CancellationToken)"/>, telling <paramref name="progress"/> where the savepoint
    /// stands while it is written, then the job's status while it stops (every few seconds).
    /// </summary>
    /// <exception cref="InvalidOperationException">The job is not running or its checkpointing is off.</exception>
    /// <exception cref="SubmissionRefusedException">The cluster requires a submission token and this client has none or a wrong one.</exception>
    /// <exception cref="SavepointException">The savepoint failed (the job goes on).</exception>
    public async Task<Savepoint> StopWithSavepointAsync(IProgress<SavepointProgress>? progress, CancellationToken cancellationToken = default)
    {
        var started = TimeProvider.System.GetTimestamp();
        var savepoint = await TakeSavepointAsync(stop: true, progress, cancellationToken).ConfigureAwait(false);
        var waiter = new JobManagerWaiter(Manager, _options.StopPollInterval, _options);
        while (true)
        {
            var status = (await waiter.WaitOnceAsync(cancellationToken).ConfigureAwait(false)).Status;
            if (status.IsTerminal())
            {
                return savepoint;
            }

            progress?.Report(new SavepointProgress(JobId, savepoint.CheckpointId, SavepointPhase.StoppingJob, TimeProvider.System.GetElapsedTime(started), status));
        }
    }

    private async Task<Savepoint> TakeSavepointAsync(bool stop, IProgress<SavepointProgress>? progress, CancellationToken cancellationToken)
    {
        // Not retried: a retry after a lost answer would trigger a second savepoint.
        var started = TimeProvider.System.GetTimestamp();
        var checkpointId = await Manager.TriggerSavepointAsync(stop, _submissionToken, cancellationToken).ConfigureAwait(false);
        var coordinator = _client.GetGrain<ICheckpointCoordinatorGrain>(JobId);
        while (true)
        {
            var stats = await ClusterCallRetry.RunAsync(() => coordinator.GetCheckpointStatsAsync(checkpointId, cancellationToken), _options, cancellationToken).ConfigureAwait(false);
            if (stats?.Status == CheckpointStatus.InProgress)
            {
                progress?.Report(new SavepointProgress(JobId, checkpointId, SavepointPhase.InProgress, TimeProvider.System.GetElapsedTime(started)));
            }

            switch (stats?.Status)
            {
                case CheckpointStatus.Completed:
                    return new Savepoint(SavepointIds.Of(JobId, checkpointId), JobId, checkpointId);
                case CheckpointStatus.Failed:
                    throw new SavepointException($"Savepoint {checkpointId} of job {JobId} failed: {stats.FailureReason}");
                case null:
                    throw new SavepointException($"Savepoint {checkpointId} of job {JobId} is no longer in the job's checkpoint history (its coordinator may have failed over); its outcome is unknown.");
            }

            await Task.Delay(_options.SavepointPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads a keyed operator's state for one key while the job runs (or after it ended, while the grain lives).
    /// Built-in aggregations keep their value in the state named "value". Returns default when the key has none.
    /// </summary>
    public async Task<TValue?> QueryStateAsync<TKey, TValue>(string operatorNameOrUid, TKey key, string stateName = "value", CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        var op = Plan.FindOperator(operatorNameOrUid);
        var grain = _client.GetGrain<IKeyedStateGrain>(GrainKeys.KeyedState(JobId, op.Id, KeyFormat.Format(key)));
        var value = await grain.GetStateAsync(stateName, cancellationToken).ConfigureAwait(false);
        return value switch
        {
            null => default,
            TValue typed => typed,
            _ => throw new InvalidCastException($"State '{stateName}' of operator '{op.Name}' holds a {value.GetType().Name}, not a {typeof(TValue).Name}."),
        };
    }

    /// <summary>Reads everything a collect sink received, by the sink's handle.</summary>
    public Task<IReadOnlyList<T>> ReadCollectedAsync<T>(DataStreamSink<T> sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return ReadCollectedAsync<T>(sink.Transformation.Id, cancellationToken);
    }

    /// <summary>Reads everything a collect sink received, by the sink's name.</summary>
    public Task<IReadOnlyList<T>> ReadCollectedAsync<T>(string sinkName, CancellationToken cancellationToken = default) =>
        ReadCollectedAsync<T>(Plan.FindOperator(sinkName).Id, cancellationToken);

    private async Task<IReadOnlyList<T>> ReadCollectedAsync<T>(int operatorId, CancellationToken cancellationToken)
    {
        var grain = _client.GetGrain<ICollectSinkGrain>(GrainKeys.Collector(JobId, operatorId));
        const int Page = 64;
        var results = new List<T>();
        var from = 0;
        while (true)
        {
            var batches = await grain.ReadAsync(from, Page, cancellationToken).ConfigureAwait(false);
            foreach (var batch in batches)
            {
                results.AddRange((T[])batch);
            }

            if (batches.Count < Page)
            {
                return results;
            }

            from += batches.Count;
        }
    }
}
