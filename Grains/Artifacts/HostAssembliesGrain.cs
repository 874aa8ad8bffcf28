using Orleans.Concurrency;

namespace OrleansFlow.Artifacts;

/// <summary>Answers which assemblies this silo's host provides (<see cref="HostAssemblies"/>); any silo can answer.</summary>
[StatelessWorker]
[GrainType("flow.hostassemblies")]
internal sealed class HostAssembliesGrain : Grain, IHostAssembliesGrain
{
    public Task<IReadOnlyList<string>> ProvidedAsync(IReadOnlyList<string> assemblyNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assemblyNames);
        return Task.FromResult<IReadOnlyList<string>>([.. assemblyNames.Where(HostAssemblies.Provides)]);
    }
}
