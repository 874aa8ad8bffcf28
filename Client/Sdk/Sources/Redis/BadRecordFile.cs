namespace OrleansFlow.Sources.Redis;

/// <summary>Appends rejected entries to a source's error file, one writer at a time within the process.</summary>
internal static class BadRecordFile
{
    private static readonly Lock WriteLock = new();

    public static void Append(string path, string text)
    {
        lock (WriteLock)
        {
            File.AppendAllText(path, text);
        }
    }
}
