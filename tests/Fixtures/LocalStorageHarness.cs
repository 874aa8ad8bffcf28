using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansFlow.Configuration;
using OrleansFlow.Storage;
using OrleansFlow.Tests.Fixtures.Grains;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>Creates <see cref="LocalDirectoryGrainStorage"/> instances outside a silo, with the Orleans serializer.</summary>
public static class LocalStorageHarness
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(ProbeState).Assembly))
        .BuildServiceProvider();

    /// <summary>A new provider over <paramref name="directory"/>, initialized as a silo start would.</summary>
    public static async Task<LocalDirectoryGrainStorage> CreateAsync(string directory, string name = "test-storage")
    {
        var storage = new LocalDirectoryGrainStorage(
            name,
            new LocalDirectoryGrainStorageOptions { Directory = directory },
            new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()),
            Services.GetRequiredService<IActivatorProvider>(),
            NullLogger<LocalDirectoryGrainStorage>.Instance);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    public static GrainId Grain(string key) => GrainId.Create("flow.tests.persistent-probe", key);

    public static GrainState<ProbeState> NewState(string text, params long[] values) =>
        new(new ProbeState { Text = text, Values = [.. values] });

    public static GrainState<ProbeState> Blank() => new();
}
