using Microsoft.Extensions.Options;

namespace OrleansFlow.Configuration;

/// <summary>Checks <see cref="JobClientOptions"/> when the client (or the silo) starts, naming the setting that is wrong.</summary>
public sealed class JobClientOptionsValidator(IOptions<JobClientOptions> options) : IConfigurationValidator
{
    private const string Name = nameof(JobClientOptions);

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        OptionChecks.Positive(o.StatusPollInterval, Name, nameof(o.StatusPollInterval));
        OptionChecks.Positive(o.SavepointPollInterval, Name, nameof(o.SavepointPollInterval));
        OptionChecks.Positive(o.StopPollInterval, Name, nameof(o.StopPollInterval));
        OptionChecks.Positive(o.CallRetryTimeout, Name, nameof(o.CallRetryTimeout), allowZero: true);
        OptionChecks.Positive(o.CallRetryPause, Name, nameof(o.CallRetryPause));
        OptionChecks.Positive(o.UnreachableTimeout, Name, nameof(o.UnreachableTimeout), allowZero: true);
        OptionChecks.Positive(o.PollGrace, Name, nameof(o.PollGrace));
        OptionChecks.Positive(o.PollRetryDelay, Name, nameof(o.PollRetryDelay), allowZero: true);
    }
}
