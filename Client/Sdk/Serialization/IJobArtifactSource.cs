using OrleansFlow.Artifacts;

namespace OrleansFlow.Serialization;

/// <summary>
/// Where the serializer gets an artifact this process has not loaded yet, when a message names one of its types.
/// Called while a message is deserialized, so it must not make Orleans calls (that could deadlock); a silo reads its
/// artifact storage directly.
/// </summary>
internal interface IJobArtifactSource
{
    /// <summary>The artifact with id <paramref name="id"/>, or null when there is none.</summary>
    JobArtifact? TryRead(string id);
}
