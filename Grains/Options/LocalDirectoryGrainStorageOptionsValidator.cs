namespace OrleansFlow.Configuration;

/// <summary>
/// Checks a <see cref="LocalDirectoryGrainStorageOptions"/> when the silo starts. Whether the directory can be
/// created and written is checked right after, when the provider initializes.
/// </summary>
public sealed class LocalDirectoryGrainStorageOptionsValidator(LocalDirectoryGrainStorageOptions options, string name) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration() => ResolveDirectory(options, name);

    /// <summary>The full path of the configured directory.</summary>
    /// <exception cref="OrleansConfigurationException">The directory is missing, not a valid path, or names a file.</exception>
    public static string ResolveDirectory(LocalDirectoryGrainStorageOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new OrleansConfigurationException(
                $"Grain storage '{name}': {nameof(LocalDirectoryGrainStorageOptions)}.{nameof(options.Directory)} must name a directory.");
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(options.Directory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': directory '{options.Directory}' is not a valid path: {e.Message}", e);
        }

        if (File.Exists(fullPath))
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': '{fullPath}' is a file, not a directory.");
        }

        return fullPath;
    }
}
