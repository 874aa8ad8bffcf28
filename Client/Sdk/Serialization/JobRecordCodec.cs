using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using OrleansFlow.Artifacts;

namespace OrleansFlow.Serialization;

/// <summary>
/// Serializes and copies the types of uploaded job artifacts, which carry no Orleans attributes: each value is
/// written as System.Text.Json (<see cref="JobRecordFieldCodec{T}"/>). The value's type travels in Orleans' field header
/// under the artifact-qualified name <see cref="JobTypeConverter"/> gives it, so the receiver deserializes into the
/// right load context. Arrays, lists and generics over such types use Orleans' own codecs around this one.
/// </summary>
internal sealed class JobRecordCodec : ISpecializableCodec, ISpecializableCopier
{
    /// <summary>Whether <paramref name="type"/> is a type of a loaded job artifact (itself, not an array or generic over one).</summary>
    public bool IsSupportedType(Type type) =>
        !type.IsArray && !type.IsPointer && !type.IsByRef && !type.IsInterface && !type.IsAbstract && JobArtifacts.Of(type.Assembly) is not null;

    /// <inheritdoc />
    public IFieldCodec GetSpecializedCodec(Type type) => (IFieldCodec)Create(typeof(JobRecordFieldCodec<>), type);

    /// <inheritdoc />
    public IDeepCopier GetSpecializedCopier(Type type) => (IDeepCopier)Create(typeof(JobRecordCopier<>), type);

    private static object Create(Type generic, Type type)
    {
        var artifact = JobArtifacts.Of(type.Assembly) ?? throw new InvalidOperationException($"Type '{type}' belongs to no loaded job artifact.");
        artifact.Pin(); // Orleans caches the codec by type from now on
        return Activator.CreateInstance(generic.MakeGenericType(type), artifact.Json)!;
    }
}
