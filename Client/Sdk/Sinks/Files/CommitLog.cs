using System.Globalization;
using System.Text;

namespace OrleansFlow.Sinks.Files;

/// <summary>
/// What has been appended to an output file: the last checkpoint whose part was appended (0 for none) and the
/// output's length after it. Bytes past <see cref="Length"/> are a torn append (a crash between appending and
/// logging) and are cut before the next append. Replaced atomically (temporary file, fsync, rename).
/// </summary>
internal readonly record struct CommitLog(long LastCommitted, long Length)
{
    private const string Header = "orleansflow-commit-log 1";

    /// <summary>Reads the log, or returns null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a commit log.</exception>
    public static CommitLog? Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        if (lines.Length == 3 && lines[0] == Header
            && TryValue(lines[1], "last-committed ", out var last)
            && TryValue(lines[2], "length ", out var length))
        {
            return new CommitLog(last, length);
        }

        throw new InvalidDataException($"'{path}' is not an OrleansFlow commit log; exactly-once output cannot be recovered without it.");
    }

    /// <summary>Writes the log to <paramref name="tempPath"/>, forces it to disk, then renames it over <paramref name="path"/>.</summary>
    public void Write(string path, string tempPath)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Header}\nlast-committed {LastCommitted}\nlength {Length}\n");
        using (var file = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(text));
            file.Flush(flushToDisk: true);
        }

        File.Move(tempPath, path, overwrite: true);
    }

    private static bool TryValue(string line, string prefix, out long value)
    {
        value = 0;
        return line.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
