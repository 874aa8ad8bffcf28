using Microsoft.Extensions.Options;
using OrleansFlow.Silo;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>A silo host with bad settings does not start: building it fails with a message naming the setting.</summary>
[Trait("Category", "Unit")]
public sealed class SiloHostOptionsTests
{
    [Theory]
    [InlineData(new[] { "--silo-port", "70000" }, "Silo:SiloPort must be between 1 and 65535, got 70000.")]
    [InlineData(new[] { "--gateway-port", "11111" }, "Silo:SiloPort and Silo:GatewayPort must differ, both are 11111.")]
    [InlineData(new[] { "--dashboard-port", "-1" }, "Silo:DashboardPort must be between 0 (off) and 65535, got -1.")]
    [InlineData(new[] { "--dashboard-port", "30000" }, "Silo:DashboardPort 30000 is already the silo or gateway port.")]
    [InlineData(new[] { "--dashboard-address", "localhost" }, "Silo:DashboardAddress 'localhost' is not an IP address.")]
    [InlineData(new[] { "--redis", "nohostport" }, "Silo:Redis must be host:port, got 'nohostport'.")]
    [InlineData(new[] { "--max-artifact-bytes", "0" }, "Silo:MaxArtifactBytes must be at least 1, got 0.")]
    [InlineData(new[] { "--poisonous-job-silo-deaths", "-1" }, "Silo:PoisonousJobSiloDeaths must be 0 (off) or more, got -1.")]
    public void Build_WithABadSetting_FailsNamingIt(string[] args, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FlowSiloHost.Build(args));

        Assert.Contains(message, error.Failures);
    }

    /// <summary>
    /// Issue 13 (1a): uploaded job code runs inside the silo, so a silo reachable beyond loopback needs the submission
    /// token: the web endpoint on a non-loopback address, or the gateway of a Redis-clustered silo (it listens on the
    /// advertised address).
    /// </summary>
    [Theory]
    [InlineData(new[] { "--dashboard-address", "0.0.0.0" }, "web endpoint listens on 0.0.0.0:8080")]
    [InlineData(new[] { "--redis", "127.0.0.1:6379", "--advertised-address", "10.1.2.3", "--dashboard-port", "0" }, "gateway listens on 10.1.2.3:30000")]
    public void Build_BeyondLoopbackWithoutAToken_RefusesNamingTheEndpoint(string[] args, string endpoint)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FlowSiloHost.Build(args));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"Silo:SubmissionToken is required: the {endpoint}, beyond loopback", failure, StringComparison.Ordinal);
        Assert.Contains("--insecure", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--submission-token", "s3cret")]
    [InlineData("--insecure")]
    public void Build_BeyondLoopbackWithATokenOrInsecure_Builds(params string[] extra)
    {
        using var host = FlowSiloHost.Build(["--dashboard-address", "0.0.0.0", "--dashboard-port", "8321", "--silo-port", "11322", "--gateway-port", "30322", .. extra]);

        Assert.NotNull(host);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "127.0.0.1")]
    [InlineData(null, "127.0.0.1")]
    [InlineData(null, "::1")]
    public void Errors_WithGatewayAndWebOnLoopback_RequireNoToken(string? redis, string dashboardAddress)
    {
        var options = new SiloHostOptions { Redis = redis, DashboardAddress = dashboardAddress };

        Assert.Empty(SiloHostOptionsValidator.Errors(options));
    }

    [Fact]
    public async Task FlowSilo_BeyondLoopbackWithoutAToken_IsOneErrorLineAndExitCode2()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await OrleansFlow.Cli.CliApp.RunAsync(["silo", "--dashboard-address", "0.0.0.0"], stdout, stderr);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Silo:SubmissionToken is required: the web endpoint listens on 0.0.0.0:8080, beyond loopback", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithTheWebEndpointOff_BuildsAPlainHost()
    {
        using var host = FlowSiloHost.Build(["--dashboard-port", "0", "--silo-port", "11321", "--gateway-port", "30321"]);

        Assert.IsNotType<Microsoft.AspNetCore.Builder.WebApplication>(host);
    }
}
