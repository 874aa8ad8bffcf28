using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using OrleansFlow.Cli;
using OrleansFlow.Silo;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Processes;

namespace OrleansFlow.Tests.Cluster.Observation;

/// <summary>
/// What the CLI says when the cluster or the machine refuses, by the error's type: the job commands on a job id the
/// cluster does not know (on a real <c>flow silo</c> host; the job manager's refusal reaches the CLI as
/// <see cref="Jobs.JobNotFoundException"/>), and <c>flow silo</c> on a web port another process holds. One line each,
/// with the exit code the command has always had.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class UnknownJobCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _id = "unknown-" + Guid.NewGuid().ToString("N")[..8];
    private readonly int _siloPort = FreePorts.Next();
    private readonly int _gatewayPort = FreePorts.Next();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task JobCommands_OnAnUnknownJob_SayThereIsNoSuchJob()
    {
        using var host = FlowSiloHost.Build([
            "--silo-port", $"{_siloPort}", "--gateway-port", $"{_gatewayPort}", "--dashboard-port", "0",
            "--checkpoint-dir", _dir.File("checkpoints"), "--cluster-id", _id, "--service-id", _id]);
        await host.StartAsync();
        try
        {
            string[] target = ["--gateway-port", $"{_gatewayPort}", "--cluster-id", _id, "--service-id", _id];

            Assert.Equal(
                (CliApp.BadUsage, "error: there is no job 'nosuchjob' on this cluster ('flow list' shows the jobs)"),
                await CliAsync(["status", "nosuchjob", .. target]));
            Assert.Equal(
                (CliApp.BadUsage, "error: there is no job 'nosuchjob' on this cluster ('flow list' shows the jobs)"),
                await CliAsync(["cancel", "nosuchjob", .. target]));
            Assert.Equal((CliApp.JobFailed, "error: Job nosuchjob does not exist."), await CliAsync(["savepoint", "nosuchjob", .. target]));
            Assert.Equal((CliApp.JobFailed, "error: Job nosuchjob does not exist."), await CliAsync(["stop", "nosuchjob", "--savepoint", .. target]));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Silo_WhenItsWebPortIsTaken_SaysSoInOneLine()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var webPort = ((IPEndPoint)holder.LocalEndpoint).Port;

        var (exit, error) = await CliAsync([
            "silo", "--silo-port", $"{_siloPort}", "--gateway-port", $"{_gatewayPort}", "--dashboard-port", $"{webPort}", "--dashboard-address", "127.0.0.1",
            "--checkpoint-dir", _dir.File("checkpoints"), "--cluster-id", _id, "--service-id", _id]).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(CliApp.BadUsage, exit);
        Assert.StartsWith("error: the silo's web endpoint could not listen (", error, StringComparison.Ordinal);
        Assert.EndsWith("); give each silo on a machine its own --dashboard-port, or 0 for none", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Error)> CliAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        return (exit, stderr.ToString().TrimEnd('\r', '\n'));
    }
}
