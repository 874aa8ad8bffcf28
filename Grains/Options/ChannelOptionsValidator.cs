using Microsoft.Extensions.Options;

namespace OrleansFlow.Configuration;

/// <summary>
/// Checks <see cref="ChannelOptions"/>, naming the setting that is wrong. <c>AddOrleansFlow</c> runs it when it is
/// called, since the channels' streams are configured from the options there.
/// </summary>
public sealed class ChannelOptionsValidator(IOptions<ChannelOptions> options) : IConfigurationValidator
{
    private const string Name = nameof(ChannelOptions);

    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var o = options.Value;
        OptionChecks.Positive(o.QueuePartitions, Name, nameof(o.QueuePartitions));
        OptionChecks.Positive(o.MaxBatchesPerPoll, Name, nameof(o.MaxBatchesPerPoll));
        OptionChecks.Positive(o.PollPeriod, Name, nameof(o.PollPeriod));
        OptionChecks.Positive(o.ProbeInterval, Name, nameof(o.ProbeInterval));
        OptionChecks.Positive(o.CacheMinAge, Name, nameof(o.CacheMinAge));
        OptionChecks.Positive(o.CacheMetadataMinAge, Name, nameof(o.CacheMetadataMinAge));
        AtLeastMinAge(o.CacheMaxAge, nameof(o.CacheMaxAge), o.CacheMinAge);
        AtLeastMinAge(o.InProcessCacheMaxAge, nameof(o.InProcessCacheMaxAge), o.CacheMinAge);
    }

    private static void AtLeastMinAge(TimeSpan value, string setting, TimeSpan minAge)
    {
        if (value < minAge)
        {
            throw new OrleansConfigurationException($"{Name}.{setting} must be at least {nameof(ChannelOptions.CacheMinAge)} ({minAge}), got {value}.");
        }
    }
}
