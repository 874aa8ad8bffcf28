using System.Globalization;
using System.Text;

namespace OrleansFlow.Text;

/// <summary>
/// Makes text from input safe to quote in an error message: every C0 control character but tab, DEL and every C1
/// control character becomes <c>\xHH</c> (ESC is <c>\x1b</c>, a line feed <c>\x0a</c>), so a message stays one line
/// and a terminal never interprets bytes that came from a record. Escaping twice changes nothing more.
/// </summary>
internal static class ControlCharacters
{
    /// <summary>Whether <paramref name="c"/> is escaped: U+0000–U+001F but tab, U+007F, U+0080–U+009F.</summary>
    public static bool IsEscaped(char c) => (c < ' ' && c != '\t') || (c >= '\u007f' && c <= '\u009f');

    /// <summary><paramref name="text"/> with its control characters escaped; the same instance when it has none.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfEscaped(text);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (IsEscaped(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// A record or line as an error message quotes it: its first <paramref name="maxChars"/> characters, then "..."
    /// when it is longer, control characters escaped.
    /// </summary>
    public static string Quote(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxChars);
        return text.Length <= maxChars ? Escape(text) : Escape(text[..maxChars]) + "...";
    }

    private static int IndexOfEscaped(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsEscaped(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
