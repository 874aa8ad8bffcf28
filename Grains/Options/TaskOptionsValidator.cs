using Microsoft.Extensions.Options;

namespace OrleansFlow.Configuration;

/// <summary>Checks <see cref="TaskOptions"/> when the silo starts, naming the setting that is wrong.</summary>
public sealed class TaskOptionsValidator(IOptions<TaskOptions> options) : IConfigurationValidator
{
    private const string Name = nameof(TaskOptions);

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        OptionChecks.Positive(o.InputLinger, Name, nameof(o.InputLinger));
        OptionChecks.Positive(o.KeepAlivePeriod, Name, nameof(o.KeepAlivePeriod));
        OptionChecks.Positive(o.JobManagerReportTimeout, Name, nameof(o.JobManagerReportTimeout));
    }
}
