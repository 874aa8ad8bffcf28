using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// The errors a job manager or checkpoint coordinator reports cross the grain boundary as their own types, with their
/// message and fields, so the client and the CLI catch them by type; each is also the BCL type it refines, so code
/// that catches that goes on working.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobErrorSerializationTests
{
    public static TheoryData<Exception, Type> Errors => new()
    {
        { new JobNotFoundException("job-1", "There is no job job-1.", null), typeof(KeyNotFoundException) },
        { new SubmissionRefusedException("job-1", "Job job-1 refused: this cluster requires a submission token."), typeof(UnauthorizedAccessException) },
        { new StaleActivationException("Job job-1: this job manager activation was superseded and is deactivating; try again."), typeof(InvalidOperationException) },
        { new JobNotRunningException("job-1", JobStatus.Finished, "Job job-1 is Finished: only a running job can take a savepoint."), typeof(InvalidOperationException) },
        { new SavepointRefusedException("Job job-1 is already stopping with a savepoint."), typeof(InvalidOperationException) },
        { new SavepointNotFoundException("savepoint-x-7", "Cannot start job job-1 from 'savepoint-x-7': there is no such savepoint.", null), typeof(KeyNotFoundException) },
        { new InvalidSubmissionException("Cannot restore savepoint savepoint-x-7: operator 'Sum' is gone."), typeof(InvalidOperationException) },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Deserialize_AJobError_KeepsItsTypeAndMessage(Exception error, Type refines)
    {
        ArgumentNullException.ThrowIfNull(error);
        var copy = RoundTrip(error);

        Assert.IsType(error.GetType(), copy);
        Assert.IsAssignableFrom(refines, copy);
        Assert.Equal(error.Message, copy.Message);
    }

    [Fact]
    public void Deserialize_JobNotFound_KeepsTheJobId()
    {
        var copy = (JobNotFoundException)RoundTrip(new JobNotFoundException("job-1", "There is no job job-1.", null));

        Assert.Equal("job-1", copy.JobId);
    }

    [Fact]
    public void Deserialize_JobNotRunning_KeepsTheJobAndItsStatus()
    {
        var copy = (JobNotRunningException)RoundTrip(new JobNotRunningException("job-1", JobStatus.Canceled, "Job job-1 is Canceled."));

        Assert.Equal(("job-1", JobStatus.Canceled), (copy.JobId, copy.Status));
    }

    [Fact]
    public void Deserialize_SubmissionRefused_KeepsWhatWasRefused()
    {
        var copy = (SubmissionRefusedException)RoundTrip(new SubmissionRefusedException("artifact-9", "Upload of job artifact artifact-9 refused."));

        Assert.Equal("artifact-9", copy.Subject);
    }

    [Fact]
    public void Deserialize_SavepointNotFound_KeepsTheSavepointAskedFor()
    {
        var copy = (SavepointNotFoundException)RoundTrip(new SavepointNotFoundException("savepoint-x-7", "no such savepoint", null));

        Assert.Equal("savepoint-x-7", copy.Savepoint);
    }

    private static Exception RoundTrip(Exception error)
    {
        using var services = new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(JobNotFoundException).Assembly))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<Exception>(serializer.SerializeToArray(error))!;
    }
}
