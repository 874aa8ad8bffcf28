using Microsoft.Extensions.Options;
using OrleansFlow.Configuration;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>The task timing settings are checked when a silo starts, and a wrong one is named.</summary>
[Trait("Category", "Unit")]
public sealed class TaskOptionsValidatorTests
{
    [Fact]
    public void Validate_TheDefaults_Passes()
    {
        Validate(new TaskOptions());
    }

    [Fact]
    public void Validate_AZeroInputLinger_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new TaskOptions { InputLinger = TimeSpan.Zero }));

        Assert.Equal("TaskOptions.InputLinger must be positive, got 00:00:00.", error.Message);
    }

    [Fact]
    public void Validate_ANegativeKeepAlivePeriod_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new TaskOptions { KeepAlivePeriod = TimeSpan.FromMinutes(-1) }));

        Assert.Equal("TaskOptions.KeepAlivePeriod must be positive, got -00:01:00.", error.Message);
    }

    [Fact]
    public void Validate_AZeroJobManagerReportTimeout_FailsNamingTheSetting()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new TaskOptions { JobManagerReportTimeout = TimeSpan.Zero }));

        Assert.Equal("TaskOptions.JobManagerReportTimeout must be positive, got 00:00:00.", error.Message);
    }

    private static void Validate(TaskOptions options) => new TaskOptionsValidator(Options.Create(options)).ValidateConfiguration();
}
