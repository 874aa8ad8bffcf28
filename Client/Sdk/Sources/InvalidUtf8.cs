using System.Text;

namespace OrleansFlow.Sources;

/// <summary>
/// Writes bytes that are not all valid UTF-8 as text that keeps them exactly: valid characters as they are, each
/// invalid byte as <c>\xNN</c> and each backslash as <c>\\</c>, so the escaped text can be turned back into the bytes.
/// </summary>
internal static class InvalidUtf8
{
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 8);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.Value == '\\' ? "\\\\" : rune.ToString());
            }
            else
            {
                foreach (var b in bytes[..consumed])
                {
                    text.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            bytes = bytes[consumed..];
        }

        return text.ToString();
    }
}
