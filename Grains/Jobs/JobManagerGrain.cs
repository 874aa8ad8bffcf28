using Microsoft.Extensions.Logging;
using OrleansFlow.Diagnostics;
using OrleansFlow.Graph;
using OrleansFlow.Operators;

namespace OrleansFlow.Jobs;

/// <summary>
/// Deploys a job's tasks, tracks its status and the first failure, and cancels it. Kept active so job status
/// stays readable after the job ends.
/// </summary>
[GrainType("flow.jobmanager")]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class JobManagerGrain(ILogger<JobManagerGrain> logger) : Grain, IJobManagerGrain
{
    private readonly HashSet<(int Vertex, int Subtask)> _finished = [];
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JobSubmission? _submission;
    private JobStatus _status = JobStatus.Created;
    private JobFailure? _failure;
    // Restarts (a later attempt with fresh task grains) come with checkpointing; until then every job runs attempt 0.
    private const int Attempt = 0;

    public async Task<JobStatusInfo> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (_submission is not null)
        {
            throw new InvalidOperationException($"Job {submission.JobId} was already submitted.");
        }

        if (submission.JobId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Submission for job {submission.JobId} sent to the manager of job {this.GetPrimaryKeyString()}.", nameof(submission));
        }

        _submission = submission;
        Log.JobSubmitted(logger, submission.JobId, submission.JobName, submission.Plan.TaskCount);
        try
        {
            var tasks = AllTasks().ToList();
            await Task.WhenAll(tasks.Select(t => t.Grain.DeployAsync(cancellationToken)));
            SetStatus(JobStatus.Running);
            await Task.WhenAll(tasks.Where(t => t.Vertex.IsSource).Select(t => t.Grain.StartAsync(cancellationToken)));
        }
        catch (Exception e)
        {
            Log.JobDeployFailed(logger, e, submission.JobId);
            Fail(new JobFailure("(deployment)", 0, e.Message, e.GetType().Name));
        }

        return Status();
    }

    public Task<JobSubmission> GetSubmissionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_submission ?? throw new InvalidOperationException($"Job {this.GetPrimaryKeyString()} does not exist."));

    public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken)
    {
        EnsureExists();
        return Task.FromResult(Status());
    }

    public async Task<JobStatusInfo> WaitForTerminalAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        EnsureExists();
        if (!_status.IsTerminal())
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(maxWait);
            try
            {
                await _terminal.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        return Status();
    }

    public async Task<JobStatusInfo> CancelAsync(CancellationToken cancellationToken)
    {
        EnsureExists();
        if (_status.IsTerminal())
        {
            return Status();
        }

        SetStatus(JobStatus.Canceling);
        await CancelTasksAsync(cancellationToken);
        SetStatus(JobStatus.Canceled);
        return Status();
    }

    public Task ReportFinishedAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken)
    {
        if (attempt == Attempt && _status == JobStatus.Running && _finished.Add((vertexId, subtask))
            && _finished.Count == _submission!.Plan.TaskCount)
        {
            SetStatus(JobStatus.Finished);
            return Task.WhenAll(AllTasks().Select(t => t.Grain.ReleaseAsync(cancellationToken)));
        }

        return Task.CompletedTask;
    }

    public async Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken)
    {
        if (attempt != Attempt || _status.IsTerminal())
        {
            return;
        }

        Fail(failure);
        await CancelTasksAsync(cancellationToken);
    }

    private void Fail(JobFailure failure)
    {
        if (_status.IsTerminal())
        {
            return;
        }

        _failure = failure;
        Log.JobFailed(logger, _submission!.JobId, failure.OperatorName, failure.Subtask, failure.Message);
        SetStatus(JobStatus.Failed);
    }

    private async Task CancelTasksAsync(CancellationToken cancellationToken)
    {
        foreach (var chunk in AllTasks().Chunk(64))
        {
            await Task.WhenAll(chunk.Select(t => t.Grain.CancelAsync(cancellationToken)));
        }
    }

    private IEnumerable<(VertexPlan Vertex, IOperatorGrain Grain)> AllTasks() =>
        _submission!.Plan.Vertices.SelectMany(v => Enumerable.Range(0, v.Parallelism)
            .Select(s => (v, GrainFactory.GetGrain<IOperatorGrain>(GrainKeys.Task(_submission.JobId, v.Id, s, Attempt)))));

    private void SetStatus(JobStatus status)
    {
        _status = status;
        Log.JobStatusChanged(logger, _submission!.JobId, status);
        if (status.IsTerminal())
        {
            if (_submission.Source.LocalGraphId is { } local)
            {
                LocalGraphRegistry.Remove(local);
            }

            _terminal.TrySetResult();
        }
    }

    private JobStatusInfo Status() =>
        new(_submission!.JobId, _submission.JobName, _status, _failure, _finished.Count, _submission.Plan.TaskCount);

    private void EnsureExists()
    {
        if (_submission is null)
        {
            throw new KeyNotFoundException($"There is no job {this.GetPrimaryKeyString()}.");
        }
    }
}
