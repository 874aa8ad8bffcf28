using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Artifacts;
using OrleansFlow.Serialization;

namespace OrleansFlow.Tests.Unit.Artifacts;

/// <summary>
/// Types of uploaded job artifacts through Orleans' serializer: two versions of one assembly (identical type names)
/// resolve to their own load contexts, an unloaded artifact is loaded from the artifact source while deserializing,
/// and a context is unloaded when its last job stops unless Orleans' serializer cached its types.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobArtifactSerializationTests
{
    [Fact]
    public void RoundTrip_WhenTwoVersionsShareTypeNames_EachValueComesBackInItsOwnLoadContext()
    {
        var v1 = JobArtifacts.Load(EmittedRecords.Artifact("RoundTripRecords", version: 1));
        var v2 = JobArtifacts.Load(EmittedRecords.Artifact("RoundTripRecords", version: 2));
        var type1 = v1.MainAssembly.GetType(EmittedRecords.TypeName)!;
        var type2 = v2.MainAssembly.GetType(EmittedRecords.TypeName)!;
        Assert.NotEqual(type1, type2);
        Assert.Equal(type1.FullName, type2.FullName);
        Assert.Equal(type1.Assembly.GetName().Name, type2.Assembly.GetName().Name);

        var array1 = Array.CreateInstance(type1, 2);
        array1.SetValue(EmittedRecords.Reading(type1, "a", 1), 0);
        array1.SetValue(EmittedRecords.Reading(type1, "b", 2), 1);
        var single2 = EmittedRecords.Reading(type2, "c", 3, extra: 30);
        // As in a key's state image or a channel batch: values of artifact types in fields declared object.
        var state = new Dictionary<string, object> { ["v1 batch"] = array1, ["v2 value"] = single2, ["v2 again"] = single2 };

        var serializer = Serializer(sources: []);
        var copy = serializer.Deserialize<Dictionary<string, object>>(serializer.SerializeToArray(state))!;

        var batch = Assert.IsAssignableFrom<Array>(copy["v1 batch"]);
        Assert.Equal(type1.MakeArrayType(), batch.GetType());
        Assert.Equal(("a", 1L, (long?)null), EmittedRecords.Fields(batch.GetValue(0)!));
        Assert.Equal(("b", 2L, (long?)null), EmittedRecords.Fields(batch.GetValue(1)!));
        Assert.Equal(type2, copy["v2 value"].GetType());
        Assert.Equal(("c", 3L, (long?)30), EmittedRecords.Fields(copy["v2 value"]));
        Assert.Same(copy["v2 value"], copy["v2 again"]); // reference tracking kept
        Assert.True(v1.PinnedBySerializer && v2.PinnedBySerializer);
    }

    [Fact]
    public void DeepCopy_OfAnArtifactType_CopiesIntoTheSameType()
    {
        var loaded = JobArtifacts.Load(EmittedRecords.Artifact("CopiedRecords", version: 2));
        var type = loaded.MainAssembly.GetType(EmittedRecords.TypeName)!;
        var original = EmittedRecords.Reading(type, "x", 7, extra: 8);

        var copy = Services(sources: []).GetRequiredService<DeepCopier>().Copy<object>(original);

        Assert.NotSame(original, copy);
        Assert.Equal(type, copy.GetType());
        Assert.Equal(("x", 7L, (long?)8), EmittedRecords.Fields(copy));
    }

    [Fact]
    public void Deserialize_WhenThisProcessHasNotLoadedTheArtifact_LoadsItFromTheSource()
    {
        var artifact = EmittedRecords.Artifact("FetchedRecords", version: 1);
        // Bytes written by a process that had the artifact: an id this process has not loaded yet.
        var name = $"{EmittedRecords.TypeName},FetchedRecords{JobTypeNames.Marker}{artifact.Id}";
        var source = new RecordingSource(artifact);

        Assert.True(new JobTypeConverter([source]).TryParse(name, out var type));

        Assert.Equal([artifact.Id], source.Requests);
        Assert.True(JobArtifacts.TryGet(artifact.Id, out var loaded));
        Assert.Equal(loaded.MainAssembly.GetType(EmittedRecords.TypeName), type);
    }

    [Fact]
    public void TryParse_WhenTheArtifactIsNowhere_IsFalse()
    {
        Assert.False(new JobTypeConverter([]).TryParse($"{EmittedRecords.TypeName},Nowhere{JobTypeNames.Marker}0123456789abcdef0123456789abcdef", out _));
    }

    [Fact]
    public void Release_WhenTheLastJobStopsAndNoSerializerSawTheArtifact_UnloadsItsContext()
    {
        var artifact = EmittedRecords.Artifact("UnloadedRecords", version: 1);
        var loaded = JobArtifacts.Load(artifact);
        loaded.Acquire();
        loaded.Acquire();

        Assert.False(JobArtifacts.Release(loaded)); // another job still uses it
        Assert.True(JobArtifacts.Release(loaded));

        Assert.False(JobArtifacts.TryGet(artifact.Id, out _));
        Assert.NotSame(loaded, JobArtifacts.Load(artifact)); // a later job loads a fresh context
    }

    [Fact]
    public void Release_WhenTheSerializerSawTheArtifact_KeepsItsContextForReuse()
    {
        var loaded = JobArtifacts.Load(EmittedRecords.Artifact("PinnedRecords", version: 1));
        loaded.Acquire();
        var reading = EmittedRecords.Reading(loaded.MainAssembly.GetType(EmittedRecords.TypeName)!, "p", 1);
        _ = Serializer(sources: []).SerializeToArray<object>(reading);

        Assert.False(JobArtifacts.Release(loaded));

        Assert.True(JobArtifacts.TryGet(loaded.Id, out var again));
        Assert.Same(loaded, again);
    }

    private static Serializer Serializer(IJobArtifactSource[] sources) => Services(sources).GetRequiredService<Serializer>();

    private static ServiceProvider Services(IJobArtifactSource[] sources)
    {
        var services = new ServiceCollection().AddSerializer().AddJobArtifactSerialization();
        foreach (var source in sources)
        {
            services.AddSingleton(source);
        }

        return services.BuildServiceProvider();
    }

    private sealed class RecordingSource(JobArtifact artifact) : IJobArtifactSource
    {
        public List<string> Requests { get; } = [];

        public JobArtifact? TryRead(string id)
        {
            Requests.Add(id);
            return id == artifact.Id ? artifact : null;
        }
    }
}
