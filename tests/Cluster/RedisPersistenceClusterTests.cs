using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Fixtures.Grains;

namespace OrleansFlow.Tests.Cluster;

[Collection(RedisClusterCollection.Name)]
[Trait("Category", "Redis")]
public sealed class RedisPersistenceClusterTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task PersistentState_AfterWriteAndDeactivation_IsReadBackFromRedis()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IPersistentProbeGrain>(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await grain.WriteAsync("hello", [1, 2, 3], timeout.Token);
        var before = await grain.ReadAsync(timeout.Token);
        await grain.DeactivateAsync(timeout.Token);
        await fixture.Cluster.WaitForDeactivationAsync(grain);
        var after = await grain.ReadAsync(timeout.Token);

        Assert.NotEqual(before.Activation, after.Activation);
        Assert.True(after.RecordExists);
        Assert.Equal("hello", after.Text);
        Assert.Equal([1L, 2, 3], after.Values);
        Assert.Contains(fixture.Keys("/state/*"), k => k.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PersistentState_AfterClear_IsGoneFromRedis()
    {
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IPersistentProbeGrain>(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await grain.WriteAsync("soon gone", [7], timeout.Token);
        await grain.ClearAsync(timeout.Token);
        await grain.DeactivateAsync(timeout.Token);
        await fixture.Cluster.WaitForDeactivationAsync(grain);
        var after = await grain.ReadAsync(timeout.Token);

        Assert.False(after.RecordExists);
        Assert.Equal("", after.Text);
        Assert.DoesNotContain(fixture.Keys("/state/*"), k => k.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reminder_RegisteredOnTheCluster_IsStoredInRedisAndFires()
    {
        var key = "reminder-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await grain.StartAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), timeout.Token);
        try
        {
            Assert.Equal(["tick"], await grain.ListAsync(timeout.Token));
            var stored = await fixture.Redis.SortedSetRangeByValueAsync(fixture.ServiceId + "/reminders");
            Assert.Contains(stored, entry => entry.ToString().Contains(key, StringComparison.Ordinal));

            var ticks = Probe.Of(key);
            while (ticks.Count < 2 && !timeout.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            Assert.True(ticks.Count >= 2, $"reminder 'tick' of {key} (due 1 s, period 1 s) fired {ticks.Count} times in 30 s");
        }
        finally
        {
            await grain.StopAsync(CancellationToken.None);
        }

        Assert.Empty(await grain.ListAsync(CancellationToken.None));
    }
}
