namespace OrleansFlow.Configuration;

/// <summary>The checks the options validators of the client and the silo share; each failure is one line naming the options class and the setting.</summary>
internal static class OptionChecks
{
    /// <summary>Throws unless <paramref name="value"/> is positive (or zero, with <paramref name="allowZero"/>).</summary>
    /// <exception cref="OrleansConfigurationException">It is not.</exception>
    public static void Positive(TimeSpan value, string options, string setting, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            throw new OrleansConfigurationException($"{options}.{setting} must be {(allowZero ? "zero or positive" : "positive")}, got {value}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is at least 1.</summary>
    /// <exception cref="OrleansConfigurationException">It is not.</exception>
    public static void Positive(int value, string options, string setting)
    {
        if (value < 1)
        {
            throw new OrleansConfigurationException($"{options}.{setting} must be positive, got {value}.");
        }
    }
}
