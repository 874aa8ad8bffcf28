using OrleansFlow.Hosting;
using OrleansFlow.Jobs;
using OrleansFlow.Sinks;
using OrleansFlow.Sources;
using OrleansFlow.Tests.Fixtures;

namespace OrleansFlow.Tests.Redis;

/// <summary>The Redis source and sink inside the runtime's grains, on the embedded silo.</summary>
[Trait("Category", "Redis")]
public sealed class RedisConnectorsJobTests(RedisTestServer redis) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task Job_FromARedisStreamToARedisList_MovesEveryEntryOnce()
    {
        var stream = redis.Key("job-input");
        var list = redis.Key("job-output");
        for (var i = 0; i < 500; i++)
        {
            await redis.Database.StreamAddAsync(stream, "value", i);
        }

        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions { Parallelism = 2 });
        env.FromSource(new RedisStreamSource<long>(redis.ConnectionString, stream, e => long.Parse(e.Field("value"), System.Globalization.CultureInfo.InvariantCulture)) { MaxEntries = 500 }, "Redis events")
            .Map(x => x * 2)
            .SinkTo(new RedisListSink<long>(redis.ConnectionString, list, x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)), "Redis doubled");

        var job = await env.ExecuteAsync("redis to redis");
        var status = await job.WaitForCompletionAsync(TestTimeouts.JobToken());

        Assert.Equal(JobStatus.Finished, status.Status);
        var written = (await redis.Database.ListRangeAsync(list)).Select(v => long.Parse(v.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => 2L * i), written.Order());
    }
}
