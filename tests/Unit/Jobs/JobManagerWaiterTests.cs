using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using OrleansFlow.Configuration;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

[Trait("Category", "Unit")]
public sealed class JobManagerWaiterTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly JobClientOptions Options = new() { PollRetryDelay = TimeSpan.Zero };
    private static readonly JobStatusInfo Finished = new("job-1", "test", JobStatus.Finished, null, 4, 4, 2, null);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeJobManager _manager = new();

    [Fact]
    public async Task WaitOnceAsync_WhenTheJobManagersSiloIsGone_RetriesAndReturnsTheNextAnswer()
    {
        var waiter = new JobManagerWaiter(_manager, Poll, Options, _time);
        var wait = waiter.WaitOnceAsync(CancellationToken.None);

        (await _manager.Calls.ReadAsync()).SetException(new SiloUnavailableException("the job manager's silo died"));
        (await _manager.Calls.ReadAsync()).SetResult(Finished);

        Assert.Same(Finished, await wait);
    }

    [Fact]
    public async Task WaitOnceAsync_WhenAPollIsNeverAnswered_GivesItUpAfterItsWaitAndAGraceAndRetries()
    {
        var waiter = new JobManagerWaiter(_manager, Poll, Options, _time);
        var wait = waiter.WaitOnceAsync(CancellationToken.None);
        var unanswered = await _manager.Calls.ReadAsync();

        _time.Advance(Poll + Options.PollGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(unanswered.Token.IsCancellationRequested, "the poll was given up before its wait and grace had passed");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await _manager.Calls.ReadAsync()).SetResult(Finished);

        Assert.True(unanswered.Token.IsCancellationRequested);
        Assert.Same(Finished, await wait);
    }

    [Fact]
    public async Task WaitOnceAsync_WhenTheJobDoesNotExist_ThrowsWithoutRetrying()
    {
        var waiter = new JobManagerWaiter(_manager, Poll, Options, _time);
        var wait = waiter.WaitOnceAsync(CancellationToken.None);

        (await _manager.Calls.ReadAsync()).SetException(new KeyNotFoundException("There is no job job-1."));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => wait);
        Assert.False(_manager.Calls.TryRead(out _), "a non-transient failure was retried");
    }

    [Fact]
    public async Task WaitOnceAsync_WhenTheClusterStaysUnreachable_ThrowsAfterTheLimit()
    {
        var waiter = new JobManagerWaiter(_manager, TimeSpan.FromMinutes(1), Options, _time); // polls not cut off within 30 s
        var wait = waiter.WaitOnceAsync(CancellationToken.None);

        // A failure every 30 s: the first at 30 s starts the clock; the one at 180 s is past the two minutes.
        for (var failure = 1; failure <= 6; failure++)
        {
            var call = await _manager.Calls.ReadAsync();
            _time.Advance(TimeSpan.FromSeconds(30));
            call.SetException(new SiloUnavailableException($"failure {failure}"));
        }

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => wait);
        Assert.Equal("failure 6", error.Message);
        Assert.False(_manager.Calls.TryRead(out _), "polled again after giving up");
    }

    /// <summary>A job manager whose polls the test answers one by one.</summary>
    private sealed class FakeJobManager : IJobManagerGrain
    {
        private readonly Channel<PollCall> _calls = Channel.CreateUnbounded<PollCall>();

        public ChannelReader<PollCall> Calls => _calls.Reader;

        public Task<JobStatusInfo> WaitForTerminalAsync(TimeSpan maxWait, CancellationToken cancellationToken)
        {
            var poll = new PollCall(cancellationToken);
            _calls.Writer.TryWrite(poll);
            return poll.Answer;
        }

        public Task<JobStatusInfo> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JobSubmission> GetSubmissionAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JobStatusInfo> GetStatusAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<JobStatusInfo> CancelAsync(string? submissionToken, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReportFinishedAsync(int vertexId, int subtask, int attempt, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReportFailureAsync(int attempt, JobFailure failure, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OrleansFlow.Metrics.JobDetails> GetDetailsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> TriggerSavepointAsync(bool stop, string? submissionToken, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> PrepareForSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ResumeAfterSiloLeavingAsync(SiloAddress silo, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task StopAfterSavepointAsync(long checkpointId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>One poll: answered by the test, or cancelled through its token (as Orleans cancels a call).</summary>
    private sealed class PollCall
    {
        private readonly TaskCompletionSource<JobStatusInfo> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PollCall(CancellationToken token)
        {
            Token = token;
            token.Register(() => _answer.TrySetCanceled(token));
        }

        public CancellationToken Token { get; }

        public Task<JobStatusInfo> Answer => _answer.Task;

        public void SetResult(JobStatusInfo status) => _answer.TrySetResult(status);

        public void SetException(Exception error) => _answer.TrySetException(error);
    }
}
