using System.Net;
using OrleansFlow.Configuration;
using OrleansFlow.Jobs;

namespace OrleansFlow.Silo.Web;

/// <summary>
/// Who may use the silo's web endpoint, decided per request from its Host header, path and credentials:
/// <list type="bullet">
/// <item><description>On a loopback bind, only requests whose Host is a loopback name (<c>localhost</c>, <c>127.x.x.x</c>,
/// <c>[::1]</c>, with any port) are served: a page of another site that rebinds its DNS name to 127.0.0.1 sends its own
/// name and is refused with 421 (DNS rebinding).</description></item>
/// <item><description>On a bind beyond loopback with a submission token, the REST API (<c>/jobs</c>) and the dashboard's log
/// stream (<c>/dashboard/Trace</c>) need the token, as <c>Authorization: Bearer TOKEN</c>, the header
/// <see cref="TokenHeader"/>, or the query parameter <c>token</c> (how the jobs page passes it on); otherwise 401.
/// The token is compared in constant time.</description></item>
/// </list>
/// Everything else is served: the health check and the jobs page itself (which holds no data) always.
/// </summary>
internal sealed class WebAccessPolicy
{
    /// <summary>The header that may carry the submission token instead of <c>Authorization: Bearer</c>.</summary>
    public const string TokenHeader = "X-OrleansFlow-Token";

    private readonly SubmissionOptions _token;

    /// <summary>Creates the policy of a web endpoint bound to <paramref name="bindAddress"/>, with the cluster's submission token (null for none).</summary>
    public WebAccessPolicy(string bindAddress, string? token)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        LoopbackOnly = SiloHostOptionsValidator.IsLoopback(bindAddress);
        _token = new SubmissionOptions { Token = token };
    }

    /// <summary>Whether the endpoint listens on loopback only.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Decides one request.</summary>
    /// <param name="host">The Host header ("" when there is none).</param>
    /// <param name="path">The request path.</param>
    /// <param name="authorization">The Authorization header, if any.</param>
    /// <param name="tokenHeader">The <see cref="TokenHeader"/> header, if any.</param>
    /// <param name="tokenQuery">The <c>token</c> query parameter, if any.</param>
    public WebAccessDecision Decide(string host, string path, string? authorization, string? tokenHeader, string? tokenQuery)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(path);
        if (LoopbackOnly)
        {
            return IsLoopbackHost(host)
                ? WebAccessDecision.Allow
                : WebAccessDecision.Refuse(421, $"error: Host '{Printable(host)}' is not a loopback name (localhost, 127.0.0.1, [::1]); this web endpoint listens on loopback only and refuses other names (DNS rebinding)");
        }

        if (string.IsNullOrEmpty(_token.Token) || !NeedsToken(path))
        {
            return WebAccessDecision.Allow;
        }

        var offered = BearerToken(authorization) ?? tokenHeader ?? tokenQuery;
        return SubmissionTokens.Accepted(_token, offered)
            ? WebAccessDecision.Allow
            : WebAccessDecision.Refuse(401, $"error: {path} needs the cluster's submission token (Authorization: Bearer TOKEN, or the {TokenHeader} header); the request carried {SubmissionTokens.Carried(offered)}");
    }

    /// <summary>Whether <paramref name="host"/> (a Host header: name or address, optionally with a port) names this machine's loopback.</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string name;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !PortOrNothing(host[(close + 1)..]))
            {
                return false;
            }

            name = host[1..close];
        }
        else
        {
            var colon = host.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && !PortOrNothing(host[colon..]))
            {
                return false;
            }

            name = colon < 0 ? host : host[..colon];
        }

        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>The REST API and the dashboard's log stream (which shows every grain call, job data included).</summary>
    private static bool NeedsToken(string path) =>
        path.Equals("/jobs", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/jobs/", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("/dashboard/trace", StringComparison.OrdinalIgnoreCase);

    private static string? BearerToken(string? authorization) =>
        authorization is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : null;

    /// <summary>":" followed by a port number, or nothing.</summary>
    private static bool PortOrNothing(string rest) =>
        rest.Length == 0 || (rest[0] == ':' && rest.Length is > 1 and <= 6 && rest.Skip(1).All(char.IsAsciiDigit));

    /// <summary>The header with control characters escaped, so that the one-line answer stays one line.</summary>
    private static string Printable(string text) =>
        string.Concat(text.Take(200).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}

/// <summary>What <see cref="WebAccessPolicy"/> decided about a request.</summary>
/// <param name="Allowed">Whether to serve it.</param>
/// <param name="StatusCode">The status of a refusal (421 wrong host, 401 no or wrong token).</param>
/// <param name="Message">The one-line body of a refusal.</param>
internal readonly record struct WebAccessDecision(bool Allowed, int StatusCode, string? Message)
{
    /// <summary>Serve the request.</summary>
    public static WebAccessDecision Allow => new(true, 0, null);

    /// <summary>Refuse it with <paramref name="statusCode"/> and a one-line <paramref name="message"/>.</summary>
    public static WebAccessDecision Refuse(int statusCode, string message) => new(false, statusCode, message);
}
