using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansFlow.Configuration;
using OrleansFlow.Hosting;
using OrleansFlow.Storage;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>
/// The checkpoint storage of a test cluster (a local directory) seen through a decorator that counts reads and writes
/// per state name and fails planned writes: every silo of the test process that uses the same directory shares one
/// <see cref="StorageProbe"/> (<see cref="ProbeOf"/>), as the silos share the directory.
/// </summary>
public static class InstrumentedGrainStorage
{
    private static readonly ConcurrentDictionary<string, StorageProbe> Probes = new(StringComparer.Ordinal);

    /// <summary>The probe of the checkpoint storage in <paramref name="directory"/>.</summary>
    public static StorageProbe ProbeOf(string directory) => Probes.GetOrAdd(Path.GetFullPath(directory), _ => new StorageProbe());

    /// <summary>Checkpoints as files under <paramref name="directory"/>, seen through the directory's <see cref="StorageProbe"/>.</summary>
    public static ISiloBuilder UseInstrumentedLocalPersistence(this ISiloBuilder silo, string directory)
    {
        silo.UseLocalPersistence(directory);
        var probe = ProbeOf(directory);
        silo.Services.AddKeyedSingleton<IGrainStorage>(FlowNames.CheckpointStorage, (services, _) => new Decorator(
            ActivatorUtilities.CreateInstance<LocalDirectoryGrainStorage>(
                services, FlowNames.CheckpointStorage, services.GetRequiredService<IOptionsMonitor<LocalDirectoryGrainStorageOptions>>().Get(FlowNames.CheckpointStorage)),
            probe));
        return silo;
    }

    private sealed class Decorator(LocalDirectoryGrainStorage inner, StorageProbe probe) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => inner.Participate(lifecycle);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
        {
            StorageProbe.Count(probe.Reads, stateName);
            return inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
        {
            StorageProbe.Count(probe.Writes, stateName);
            return probe.ShouldFail(stateName)
                ? Task.FromException(new IOException($"injected storage failure writing {stateName} of {grainId}"))
                : inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
        {
            StorageProbe.Count(probe.Clears, stateName);
            return inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
        }
    }
}

/// <summary>Counts of a test's checkpoint storage operations by state name, and writes it is told to fail.</summary>
public sealed class StorageProbe
{
    private readonly Lock _lock = new();
    private string? _failState;
    private int _failuresLeft;

    public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Writes { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Clears { get; } = new(StringComparer.Ordinal);

    /// <summary>How many planned failures fired.</summary>
    public int Failed { get; private set; }

    /// <summary>The next <paramref name="count"/> writes of state <paramref name="stateName"/> fail with an <see cref="IOException"/>.</summary>
    public void FailWrites(string stateName, int count)
    {
        lock (_lock)
        {
            _failState = stateName;
            _failuresLeft = count;
        }
    }

    /// <summary>Sets every count back to zero.</summary>
    public void ResetCounts()
    {
        Reads.Clear();
        Writes.Clear();
        Clears.Clear();
    }

    internal static void Count(ConcurrentDictionary<string, int> counts, string stateName) => counts.AddOrUpdate(stateName, 1, (_, n) => n + 1);

    internal bool ShouldFail(string stateName)
    {
        lock (_lock)
        {
            if (_failuresLeft == 0 || _failState != stateName)
            {
                return false;
            }

            _failuresLeft--;
            Failed++;
            return true;
        }
    }
}
