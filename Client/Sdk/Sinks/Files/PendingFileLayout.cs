using System.Globalization;

namespace OrleansFlow.Sinks.Files;

/// <summary>
/// Where an exactly-once text file writer keeps what is not yet visible: a hidden directory next to the output,
/// <c>.{file name}.pending/</c>, holding
/// <list type="bullet">
/// <item><c>commit.log</c>: the last checkpoint appended to the output and the output's committed length;</item>
/// <item><c>{writer}.inprogress</c>: the records a writer received since its last checkpoint barrier;</item>
/// <item><c>{writer}.{checkpoint:D19}.sealed</c>: the records a writer sealed for a checkpoint (the final part at
/// end of input has checkpoint id <see cref="long.MaxValue"/>).</item>
/// </list>
/// Each output file (the file, or each <c>part-N</c> of a parallel sink) has its own directory, so one directory
/// belongs to one sink subtask. A writer is a random token: every writer instance (one per subtask and attempt) has its
/// own, so the files of a writer from an older attempt are never mistaken for the current writer's.
/// </summary>
internal sealed class PendingFileLayout
{
    private const string InProgressSuffix = ".inprogress";
    private const string SealedSuffix = ".sealed";

    public PendingFileLayout(string outputFile)
    {
        OutputFile = Path.GetFullPath(outputFile);
        var parent = Path.GetDirectoryName(OutputFile) ?? throw new ArgumentException($"'{outputFile}' has no parent directory.", nameof(outputFile));
        Directory = Path.Combine(parent, "." + Path.GetFileName(OutputFile) + ".pending");
        CommitLogPath = Path.Combine(Directory, "commit.log");
        CommitLogTempPath = CommitLogPath + ".tmp";
    }

    /// <summary>The visible output file.</summary>
    public string OutputFile { get; }

    /// <summary>The hidden directory of pending parts.</summary>
    public string Directory { get; }

    public string CommitLogPath { get; }

    /// <summary>Where a new commit log is written before it replaces the old one.</summary>
    public string CommitLogTempPath { get; }

    public string InProgressPath(string writer) => Path.Combine(Directory, writer + InProgressSuffix);

    public string SealedPath(string writer, long checkpointId) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{writer}.{checkpointId:D19}{SealedSuffix}"));

    /// <summary>The pending parts and in-progress files now in the directory (the commit log is not listed).</summary>
    public IEnumerable<PendingFile> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            yield break;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            if (TryParse(path) is { } file)
            {
                yield return file;
            }
        }
    }

    /// <summary>Reads a file name of this layout; null for names it does not know (left alone).</summary>
    public static PendingFile? TryParse(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(InProgressSuffix, StringComparison.Ordinal))
        {
            return new PendingFile(path, name[..^InProgressSuffix.Length], CheckpointId: null);
        }

        if (!name.EndsWith(SealedSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var stem = name[..^SealedSuffix.Length];
        var dot = stem.LastIndexOf('.');
        return dot > 0 && long.TryParse(stem.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new PendingFile(path, stem[..dot], id)
            : null;
    }
}

/// <summary>A file in the pending directory: a sealed part (with its checkpoint) or an in-progress file (without).</summary>
internal sealed record PendingFile(string Path, string Writer, long? CheckpointId);
