using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansFlow.Checkpointing;
using OrleansFlow.Checkpoints;
using OrleansFlow.Silo;

namespace OrleansFlow.Tests.Unit.Checkpointing;

/// <summary>A savepoint read back by a fresh activation (after silo restarts) goes through the silo's grain storage serializer.</summary>
[Trait("Category", "Unit")]
public sealed class SavepointStateStorageTests
{
    [Fact]
    public void Deserialize_OfAStoredSavepoint_GivesBackItsOperatorsTasksAndSegments()
    {
        using var host = FlowSiloHost.Build(["--redis", "127.0.0.1:1", "--silo-port", "11315", "--gateway-port", "30315"]);
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
        var segment = new SegmentRef("j", 2, 0, 1, 3, Full: true, Parts: 2, Entries: 5, Bytes: 99, ETags: ["m", "p0", "p1"]);
        var task = new TaskSnapshot(42, new Dictionary<int, long> { [1] = 7 }, new Dictionary<int, byte[]> { [5] = [1, 2] }, 10, 1, [segment]);
        var written = new SavepointState
        {
            Metadata = new SavepointMetadata("savepoint-j-3", "j", "name", 3, DateTimeOffset.UnixEpoch,
                [new SavepointOperator(2, "Sum", "Reduce#2", "Reduce", 2, 2, IsKeyed: true, IsSource: false)],
                new Dictionary<string, TaskSnapshot> { ["0/0"] = task }),
        };

        var read = serializer.Deserialize<SavepointState>(serializer.Serialize(written))?.Metadata ?? throw new InvalidOperationException("No savepoint read back.");

        Assert.Equal("savepoint-j-3", read.SavepointId);
        Assert.Equal("Reduce#2", Assert.Single(read.Operators).StateUid);
        Assert.Equal(42, read.Tasks["0/0"].SourcePosition);
        Assert.Equal([1, 2], read.Tasks["0/0"].SinkStates[5]);
        var readSegment = Assert.Single(read.Tasks["0/0"].KeyedState!);
        Assert.Equal(segment.StorageKey, readSegment.StorageKey);
        Assert.Equal((2, 5, 99L), (readSegment.Parts, readSegment.Entries, readSegment.Bytes));
        Assert.Equal("m,p0,p1", string.Join(",", readSegment.ETags!));
    }
}
