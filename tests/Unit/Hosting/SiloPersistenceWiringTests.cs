using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansFlow.Silo;
using OrleansFlow.Storage;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Unit.Hosting;

[Trait("Category", "Unit")]
public sealed class SiloPersistenceWiringTests
{
    [Fact]
    public void Build_WithRedis_RegistersTheCheckpointStorageAndRemindersOnRedis()
    {
        using var host = FlowSiloHost.Build(["--redis", "127.0.0.1:1", "--silo-port", "11311", "--gateway-port", "30311"]);

        Assert.IsType<RedisGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(FlowNames.CheckpointStorage));
        Assert.Equal("RedisReminderTable", host.Services.GetRequiredService<IReminderTable>().GetType().Name);
    }

    [Fact]
    public void Build_WithClusterAndServiceIds_UsesThemForTheCluster()
    {
        using var host = FlowSiloHost.Build(["--redis", "127.0.0.1:1", "--silo-port", "11313", "--gateway-port", "30313", "--cluster-id", "c1", "--service-id", "s1"]);

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("c1", "s1"), (cluster.ClusterId, cluster.ServiceId));
    }

    [Fact]
    public void Build_WithoutRedis_KeepsCheckpointsInTheConfiguredDirectoryAndRemindersInMemory()
    {
        using var dir = new TempDirectory();
        using var host = FlowSiloHost.Build(["--checkpoint-dir", dir.File("checkpoints"), "--silo-port", "11312", "--gateway-port", "30312"]);

        var storage = Assert.IsType<LocalDirectoryGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(FlowNames.CheckpointStorage));
        Assert.Equal(dir.File("checkpoints"), storage.Directory);
        Assert.Equal("InMemoryReminderTable", host.Services.GetRequiredService<IReminderTable>().GetType().Name);
    }
}
