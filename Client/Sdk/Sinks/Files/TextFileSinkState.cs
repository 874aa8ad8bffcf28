using System.Text;

namespace OrleansFlow.Sinks.Files;

/// <summary>
/// The checkpoint state of an exactly-once text file writer: its writer token, which names its pending files.
/// A restarted writer commits the parts of that token up to the restored checkpoint and discards every other file.
/// </summary>
internal static class TextFileSinkState
{
    private const string Prefix = "orleansflow.textfile/1 ";

    public static byte[] Encode(string writer) => Encoding.UTF8.GetBytes(Prefix + writer);

    /// <exception cref="InvalidOperationException">The state was not written by an exactly-once text file writer.</exception>
    public static string Decode(SinkRestore restore, string outputFile)
    {
        var text = Encoding.UTF8.GetString(restore.State);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length == Prefix.Length)
        {
            throw new InvalidOperationException(
                $"Cannot restore '{outputFile}' from checkpoint {restore.CheckpointId}: the checkpoint's sink state was not written by an " +
                "exactly-once TextFileSink writer (was the job's checkpointing mode changed?).");
        }

        return text[Prefix.Length..];
    }
}
