using Orleans.Storage;

namespace OrleansFlow.Configuration;

/// <summary>
/// Settings of a <see cref="Storage.LocalDirectoryGrainStorage"/>: one file per grain state under
/// <see cref="Directory"/>. The directory belongs to one silo process at a time.
/// </summary>
public sealed class LocalDirectoryGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// The directory holding the state files (required). A relative path is resolved against the current directory
    /// when the silo starts; the directory is created if missing.
    /// </summary>
    public string Directory { get; set; } = "";

    /// <summary>The silo lifecycle stage at which the directory is created and checked (default: application services).</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// The serializer of grain states. When left unset, a serializer registered under the provider's name is used,
    /// otherwise the silo's default (the Orleans serializer).
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
