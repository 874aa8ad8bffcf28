namespace OrleansFlow.Storage;

/// <summary>Makes sure a storage directory exists and accepts new files, or explains why not.</summary>
internal static class LocalDirectoryProbe
{
    /// <summary>Creates <paramref name="directory"/> if missing, then writes and deletes a probe file in it.</summary>
    /// <exception cref="OrleansConfigurationException">The directory cannot be created or written.</exception>
    public static void EnsureWritable(string directory, string providerName)
    {
        var probe = Path.Combine(directory, ".probe-" + Guid.NewGuid().ToString("N") + StateFileName.TemporaryExtension);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(0);
                stream.Flush(flushToDisk: true);
            }

            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OrleansConfigurationException(
                $"Grain storage '{providerName}' cannot use directory '{directory}': {e.Message} Set its Directory option to a writable directory.", e);
        }
    }
}
