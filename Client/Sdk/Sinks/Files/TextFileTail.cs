namespace OrleansFlow.Sinks.Files;

/// <summary>Repairs the end of a text file a crashed writer appended to.</summary>
internal static class TextFileTail
{
    /// <summary>
    /// Cuts the bytes after the last "\n" (a line cut short by a crash), so appending starts on a fresh line. The cut
    /// line was written after the last checkpoint, so its record is replayed.
    /// </summary>
    public static void CutPartialLastLine(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var buffer = new byte[4096];
        var end = file.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            file.Position = start;
            file.ReadExactly(buffer, 0, count);
            var newline = buffer.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                end = start + newline + 1;
                break;
            }

            end = start;
        }

        if (end < file.Length)
        {
            file.SetLength(end);
            file.Flush(flushToDisk: true);
        }
    }
}
