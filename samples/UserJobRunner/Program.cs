using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansFlow;
using OrleansFlow.Hosting;
using UserJob;

// Usage: UserJobRunner REDIS_HOST:PORT INPUT OUTPUT [CLUSTER_ID SERVICE_ID]
// Connects to the OrleansFlow cluster whose membership is in that Redis and runs SensorStatsJob on it. The silos have
// never seen this program: ExecuteJobAsync uploads its assembly first.
if (args.Length is not (3 or 5))
{
    Console.Error.WriteLine("usage: UserJobRunner REDIS_HOST:PORT INPUT OUTPUT [CLUSTER_ID SERVICE_ID]");
    return 2;
}

var (redis, input, output) = (args[0], args[1], args[2]);
var (clusterId, serviceId) = args.Length == 5 ? (args[3], args[4]) : ("orleansflow", "orleansflow");
using var host = new HostBuilder()
    .UseOrleansClient(client => client
        .UseRedisClustering(redis)
        .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId))
        .AddOrleansFlowClient())
    .Build();
await host.StartAsync();

await using var env = StreamExecutionEnvironment.ForCluster(host.Services.GetRequiredService<IClusterClient>());
env.SetParallelism(2).EnableCheckpointing(TimeSpan.FromMilliseconds(300));
var job = await env.ExecuteJobAsync<SensorStatsJob>([input, output]);
Console.WriteLine($"job {job.JobId} submitted");
var status = await job.WaitForCompletionAsync();
Console.WriteLine($"job {job.JobId} {status.Status}");
await host.StopAsync();
return status.Status == OrleansFlow.Jobs.JobStatus.Finished ? 0 : 1;
