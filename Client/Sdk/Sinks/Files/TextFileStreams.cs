using System.Text;

namespace OrleansFlow.Sinks.Files;

/// <summary>How text file sinks open their files: UTF-8 without a byte-order mark, "\n" line ends, a 64K buffer.</summary>
internal static class TextFileStreams
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static StreamWriter Create(string path, bool append) => new(path, append, Utf8, 1 << 16) { NewLine = "\n" };
}
