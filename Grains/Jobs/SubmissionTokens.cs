using System.Security.Cryptography;
using System.Text;
using OrleansFlow.Configuration;

namespace OrleansFlow.Jobs;

/// <summary>Checks the shared submission token (<see cref="SubmissionOptions.Token"/>) of job submissions and artifact uploads.</summary>
internal static class SubmissionTokens
{
    /// <summary>Whether <paramref name="offered"/> may submit: no token is required, or it is the token (compared in constant time).</summary>
    public static bool Accepted(SubmissionOptions options, string? offered) =>
        string.IsNullOrEmpty(options.Token)
        || (offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(options.Token)));
}
