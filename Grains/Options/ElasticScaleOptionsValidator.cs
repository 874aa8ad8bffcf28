using Microsoft.Extensions.Options;

namespace OrleansFlow.Configuration;

/// <summary>Checks <see cref="ElasticScaleOptions"/> when the silo starts, naming the setting that is wrong.</summary>
public sealed class ElasticScaleOptionsValidator(IOptions<ElasticScaleOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        Positive(o.JoinCheckpointWait, nameof(o.JoinCheckpointWait), allowZero: true);
        Positive(o.DrainTimeout, nameof(o.DrainTimeout), allowZero: true);
        Positive(o.ChannelReaderStopTimeout, nameof(o.ChannelReaderStopTimeout), allowZero: true);
        Positive(o.RebalancerDueTime, nameof(o.RebalancerDueTime), allowZero: true);
        Positive(o.LoadPublishPeriod, nameof(o.LoadPublishPeriod), allowZero: false);
        if (o.RebalancerCyclePeriod < 2 * o.LoadPublishPeriod)
        {
            throw new OrleansConfigurationException(
                $"{nameof(ElasticScaleOptions)}.{nameof(o.RebalancerCyclePeriod)} must be at least twice {nameof(o.LoadPublishPeriod)} ({2 * o.LoadPublishPeriod}), got {o.RebalancerCyclePeriod}.");
        }
    }

    private static void Positive(TimeSpan value, string name, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            throw new OrleansConfigurationException(
                $"{nameof(ElasticScaleOptions)}.{name} must be {(allowZero ? "zero or positive" : "positive")}, got {value}.");
        }
    }
}
