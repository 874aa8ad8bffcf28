using System.Text;

namespace OrleansFlow.Storage;

/// <summary>
/// Reads and writes one state file. Layout: the magic "OFS1", then the ETag, state name and grain id (length-prefixed
/// UTF-8), then the payload's length (64-bit) and the payload. A write goes to a temporary file in the same
/// directory, is flushed to disk, then renamed over the old file, so a reader sees the old or the new state, never
/// a mix, even after a crash.
/// </summary>
internal static class StateFile
{
    private static readonly byte[] Magic = "OFS1"u8.ToArray();

    /// <summary>The file's content, or null when there is no file.</summary>
    public static async Task<StateFileContent?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        var (etag, stateName, grainId) = ReadHeader(reader, path);
        var length = bytes.Length - reader.BaseStream.Position >= sizeof(long) ? reader.ReadInt64() : -1;
        var offset = (int)reader.BaseStream.Position;
        if (length != bytes.Length - offset)
        {
            throw new InvalidDataException($"State file '{path}' is damaged: it declares {length} payload bytes but holds {bytes.Length - offset}.");
        }

        return new StateFileContent(etag, stateName, grainId, bytes.AsMemory(offset));
    }

    /// <summary>The ETag stored in the file, or null when there is no file. Reads only the header.</summary>
    public static string? ReadETag(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using (stream)
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            return ReadHeader(reader, path).ETag;
        }
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="content"/>, atomically and durably.</summary>
    public static async Task WriteAsync(string path, StateFileContent content, CancellationToken cancellationToken)
    {
        var bytes = Encode(content);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + StateFileName.TemporaryExtension;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, PreallocationSize = bytes.Length };
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static byte[] Encode(StateFileContent content)
    {
        using var buffer = new MemoryStream(content.Payload.Length + 256);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(content.ETag);
            writer.Write(content.StateName);
            writer.Write(content.GrainId);
            writer.Write((long)content.Payload.Length);
            writer.Write(content.Payload.Span);
        }

        return buffer.ToArray();
    }

    private static (string ETag, string StateName, string GrainId) ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"'{path}' is not an OrleansFlow state file (or has an unknown format version).");
            }

            return (reader.ReadString(), reader.ReadString(), reader.ReadString());
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"State file '{path}' is truncated.", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is ignored by readers.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
