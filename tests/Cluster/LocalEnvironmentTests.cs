using OrleansFlow.Hosting;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Cluster;

[Trait("Category", "Cluster")]
public sealed class LocalEnvironmentTests
{
    [Fact]
    public async Task ExecuteAsync_OnTheEmbeddedSilo_RunsAGraphBuiltWithLambdasInThisProcess()
    {
        await using var env = LocalStreamEnvironment.Create(new LocalEnvironmentOptions { Parallelism = 2 });
        var offset = 1000; // captured by the lambda: only a graph handed over in-process can see it
        var results = env.FromCollection(Enumerable.Range(1, 50))
            .Filter(x => x % 5 == 0)
            .Map(x => x + offset)
            .Collect("out");

        var job = await env.ExecuteAsync("local lambdas");
        var status = await job.WaitForCompletionAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(JobStatus.Finished, status.Status);
        Assert.Equal(Enumerable.Range(1, 50).Where(x => x % 5 == 0).Select(x => x + offset).Order(), (await job.ReadCollectedAsync(results)).Order());
    }
}
