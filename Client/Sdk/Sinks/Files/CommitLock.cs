using System.Diagnostics;

namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Excludes other writers of the same output file while a commit or restore runs: an exclusively opened
/// <c>commit.lock</c> in the pending directory (.NET takes an advisory lock for <see cref="FileShare.None"/>, also
/// between processes on one host). It keeps a writer of an older attempt that has not noticed the failure from
/// appending at the same time as its successor. Held for milliseconds; a waiting writer retries for a few seconds.
/// </summary>
internal sealed class CommitLock : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FileStream _file;

    private CommitLock(FileStream file) => _file = file;

    public static CommitLock Acquire(PendingFileLayout layout)
    {
        var path = Path.Combine(layout.Directory, "commit.lock");
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new CommitLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException))
            {
                if (Stopwatch.GetElapsedTime(started) > Patience)
                {
                    throw new IOException($"Another writer of '{layout.OutputFile}' has held '{path}' for over {Patience.TotalSeconds:0} s.", e);
                }

                Thread.Sleep(10);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
