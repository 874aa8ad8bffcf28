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
    public void Build_WithABadSetting_FailsNamingIt(string[] args, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => FlowSiloHost.Build(args));

        Assert.Contains(message, error.Failures);
    }

    [Fact]
    public void Build_WithTheWebEndpointOff_BuildsAPlainHost()
    {
        using var host = FlowSiloHost.Build(["--dashboard-port", "0", "--silo-port", "11321", "--gateway-port", "30321"]);

        Assert.IsNotType<Microsoft.AspNetCore.Builder.WebApplication>(host);
    }
}
