using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansFlow.Storage;

/// <summary>
/// Derives the file name of a grain state: a readable, sanitized prefix from the state name and grain id, then the
/// SHA-256 of both (exact text, length-prefixed), so names are unique, safe on any file system and of bounded length.
/// </summary>
internal static class StateFileName
{
    /// <summary>Extension of state files.</summary>
    public const string Extension = ".state";

    /// <summary>Extension of files being written; they are renamed to <see cref="Extension"/> when complete.</summary>
    public const string TemporaryExtension = ".tmp";

    private const int MaxReadableLength = 80;

    /// <summary>The file name (without directory) of state <paramref name="stateName"/> of grain <paramref name="grainId"/>.</summary>
    public static string For(string stateName, string grainId)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainId);
        var readable = Sanitize(stateName + "_" + grainId);
        var identity = Encoding.UTF8.GetBytes(stateName.Length.ToString(CultureInfo.InvariantCulture) + ":" + stateName + grainId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(identity));
        return readable + "." + hash + Extension;
    }

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxReadableLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxReadableLength)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        return builder.ToString();
    }
}
