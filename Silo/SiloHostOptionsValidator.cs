using System.Net;
using OrleansFlow.Examples;

namespace OrleansFlow.Silo;

/// <summary>Checks <see cref="SiloHostOptions"/>; each message names the setting and the bad value.</summary>
public static class SiloHostOptionsValidator
{
    private static readonly TimeSpan MinShutdownTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxShutdownTimeout = TimeSpan.FromHours(1);

    /// <summary>What is wrong with the options (nothing when they are valid).</summary>
    public static IEnumerable<string> Errors(SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SiloPort is < 1 or > 65535)
        {
            yield return $"Silo:SiloPort must be between 1 and 65535, got {options.SiloPort}.";
        }

        if (options.GatewayPort is < 1 or > 65535)
        {
            yield return $"Silo:GatewayPort must be between 1 and 65535, got {options.GatewayPort}.";
        }

        if (options.SiloPort == options.GatewayPort)
        {
            yield return $"Silo:SiloPort and Silo:GatewayPort must differ, both are {options.SiloPort}.";
        }

        if (options.PoisonousJobSiloDeaths < 0)
        {
            yield return $"Silo:PoisonousJobSiloDeaths must be 0 (off) or more, got {options.PoisonousJobSiloDeaths}.";
        }

        if (options.MaxArtifactBytes < 1)
        {
            yield return $"Silo:MaxArtifactBytes must be at least 1, got {options.MaxArtifactBytes}.";
        }

        if (options.DashboardPort is < 0 or > 65535)
        {
            yield return $"Silo:DashboardPort must be between 0 (off) and 65535, got {options.DashboardPort}.";
        }

        if (options.DashboardPort != 0 && (options.DashboardPort == options.SiloPort || options.DashboardPort == options.GatewayPort))
        {
            yield return $"Silo:DashboardPort {options.DashboardPort} is already the silo or gateway port.";
        }

        if (!IPAddress.TryParse(options.DashboardAddress, out _))
        {
            yield return $"Silo:DashboardAddress '{options.DashboardAddress}' is not an IP address.";
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            yield return $"Silo:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address.";
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            yield return "Silo:ClusterId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            yield return "Silo:ServiceId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(options.CheckpointDirectory))
        {
            yield return "Silo:CheckpointDirectory must not be empty.";
        }

        if (ShutdownTimeoutProblem(options.ShutdownTimeout) is { } problem)
        {
            yield return problem;
        }

        if (options.Redis is { } redis && !redis.Contains(':', StringComparison.Ordinal))
        {
            yield return $"Silo:Redis must be host:port, got '{redis}'.";
        }

        if (string.IsNullOrEmpty(options.SubmissionToken) && !options.Insecure && ExposedEndpoints(options) is { Count: > 0 } exposed)
        {
            yield return $"Silo:SubmissionToken is required: the {string.Join(" and the ", exposed)}, beyond loopback, and uploaded jobs run inside the silo; " +
                         "give every silo the same --submission-token T (or Silo__SubmissionToken), or --insecure to run without one.";
        }
    }

    /// <summary>The bound of a graceful stop, from a valid <see cref="SiloHostOptions.ShutdownTimeout"/>.</summary>
    public static TimeSpan ShutdownTimeout(SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Durations.Parse(options.ShutdownTimeout, "Silo:ShutdownTimeout");
    }

    private static string? ShutdownTimeoutProblem(string text)
    {
        TimeSpan timeout;
        try
        {
            timeout = Durations.Parse(text ?? string.Empty, "Silo:ShutdownTimeout");
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        return timeout < MinShutdownTimeout || timeout > MaxShutdownTimeout
            ? $"Silo:ShutdownTimeout must be between 100ms and 1h, got '{text}'."
            : null;
    }

    /// <summary>
    /// The silo's endpoints that listen beyond loopback, described for a message: the gateway (it listens on the
    /// advertised address when the silo is clustered through Redis; a silo without Redis listens on loopback only) and
    /// the web endpoint (unless it is off).
    /// </summary>
    public static IReadOnlyList<string> ExposedEndpoints(SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exposed = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Redis) && !IsLoopback(options.AdvertisedAddress))
        {
            exposed.Add($"gateway listens on {options.AdvertisedAddress}:{options.GatewayPort}");
        }

        if (options.DashboardPort != 0 && !IsLoopback(options.DashboardAddress))
        {
            exposed.Add($"web endpoint listens on {options.DashboardAddress}:{options.DashboardPort}");
        }

        return exposed;
    }

    /// <summary>Whether <paramref name="address"/> is a loopback address (an unparsable one is reported apart, and counts as not).</summary>
    public static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
}
