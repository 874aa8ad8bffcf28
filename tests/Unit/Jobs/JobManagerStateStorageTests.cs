using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansFlow.Jobs;
using OrleansFlow.Silo;

namespace OrleansFlow.Tests.Unit.Jobs;

/// <summary>
/// A job manager activated again after its silo died reads its state back through the silo's grain storage
/// serializer: the restore point of every attempt must come back as written (a pre-filled default list once came
/// back with the stored points appended to it, shifting each attempt to an older checkpoint).
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobManagerStateStorageTests
{
    [Fact]
    public void Deserialize_OfAStoredState_GivesBackTheRestorePointsAsWritten()
    {
        using var host = FlowSiloHost.Build(["--redis", "127.0.0.1:1", "--silo-port", "11314", "--gateway-port", "30314"]);
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
        var written = new JobManagerState { Attempt = 2, RestorePoints = [0, 13, 24] };

        var read = serializer.Deserialize<JobManagerState>(serializer.Serialize(written)) ?? throw new InvalidOperationException("No state read back.");

        Assert.Equal([0L, 13L, 24L], read.RestorePoints);
        Assert.Equal(2, read.Attempt);
    }

    [Fact]
    public void Deserialize_OfAnEndedJobsState_GivesBackItsFinalMetricsAsWritten()
    {
        using var host = FlowSiloHost.Build(["--redis", "127.0.0.1:1", "--silo-port", "11315", "--gateway-port", "30315"]);
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
        OrleansFlow.Metrics.TaskMetrics[] metrics =
        [
            new(0, 0, 3000, 17405, 1_000, 12, 0, 0, true, "S127.0.0.1:11111:1", SourcePosition: 1500),
            new(1, 1, 17405, 0, null, 0, 0, 0, true, "S127.0.0.1:11112:1", Keys: 40, ResidentKeys: 38, Passivations: 2),
        ];
        var written = new JobManagerState { Status = JobStatus.Finished, FinalMetrics = [.. metrics] };

        var read = serializer.Deserialize<JobManagerState>(serializer.Serialize(written)) ?? throw new InvalidOperationException("No state read back.");

        Assert.Equal(metrics, read.FinalMetrics);
    }

    [Fact]
    public void RestorePoints_OfANewState_AreEmptyUntilSubmission()
    {
        Assert.Empty(new JobManagerState().RestorePoints);
    }
}
