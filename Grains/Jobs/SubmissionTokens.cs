using System.Security.Cryptography;
using System.Text;
using OrleansFlow.Configuration;

namespace OrleansFlow.Jobs;

/// <summary>
/// Checks the shared submission token (<see cref="SubmissionOptions.Token"/>) of job submissions, artifact uploads and
/// the commands that change a running job (cancel, savepoint, stop).
/// </summary>
internal static class SubmissionTokens
{
    /// <summary>Whether <paramref name="offered"/> may submit: no token is required, or it is the token (compared in constant time).</summary>
    public static bool Accepted(SubmissionOptions options, string? offered) =>
        string.IsNullOrEmpty(options.Token)
        || (offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(options.Token)));

    /// <summary>What a refused request carried, for its message: "none" or "a wrong one".</summary>
    public static string Carried(string? offered) => string.IsNullOrEmpty(offered) ? "none" : "a wrong one";

    /// <summary>
    /// Throws <see cref="SubmissionRefusedException"/> unless <paramref name="offered"/> is accepted: a command
    /// (<paramref name="command"/>: "cancel", "savepoint", "stop") on job <paramref name="jobId"/>.
    /// </summary>
    public static void DemandForCommand(SubmissionOptions options, string? offered, string jobId, string command)
    {
        if (!Accepted(options, offered))
        {
            throw new SubmissionRefusedException(jobId,
                $"'{command}' of job {jobId} refused: this cluster requires its submission token for cancel, savepoint and stop, and the request carried {Carried(offered)} (flow {command} --token, or StreamExecutionEnvironment.WithSubmissionToken).");
        }
    }
}
