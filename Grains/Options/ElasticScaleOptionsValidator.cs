using Microsoft.Extensions.Options;

namespace OrleansFlow.Configuration;

/// <summary>Checks <see cref="ElasticScaleOptions"/> when the silo starts, naming the setting that is wrong.</summary>
public sealed class ElasticScaleOptionsValidator(IOptions<ElasticScaleOptions> options) : IConfigurationValidator
{
    private const string Name = nameof(ElasticScaleOptions);

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        OptionChecks.Positive(o.JoinCheckpointWait, Name, nameof(o.JoinCheckpointWait), allowZero: true);
        OptionChecks.Positive(o.DrainTimeout, Name, nameof(o.DrainTimeout), allowZero: true);
        OptionChecks.Positive(o.ChannelReaderStopTimeout, Name, nameof(o.ChannelReaderStopTimeout), allowZero: true);
        OptionChecks.Positive(o.RebalancerDueTime, Name, nameof(o.RebalancerDueTime), allowZero: true);
        OptionChecks.Positive(o.LoadPublishPeriod, Name, nameof(o.LoadPublishPeriod));
        OptionChecks.Positive(o.DrainPollPeriod, Name, nameof(o.DrainPollPeriod));
        OptionChecks.Positive(o.MigrationRetryAfter, Name, nameof(o.MigrationRetryAfter));
        if (o.RebalancerCyclePeriod < 2 * o.LoadPublishPeriod)
        {
            throw new OrleansConfigurationException(
                $"{Name}.{nameof(o.RebalancerCyclePeriod)} must be at least twice {nameof(o.LoadPublishPeriod)} ({2 * o.LoadPublishPeriod}), got {o.RebalancerCyclePeriod}.");
        }
    }
}
