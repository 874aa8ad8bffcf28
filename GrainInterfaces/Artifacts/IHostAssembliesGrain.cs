namespace OrleansFlow.Artifacts;

/// <summary>
/// Tells a client which assemblies the silos provide themselves (the engine, Orleans, the .NET libraries and whatever
/// else the silo host ships), so an upload carries only a job's own assemblies. Key: <see cref="Key"/>.
/// </summary>
[Alias("flow.IHostAssembliesGrain")]
public interface IHostAssembliesGrain : IGrainWithIntegerKey
{
    /// <summary>The grain's key.</summary>
    const long Key = 0;

    /// <summary>The names among <paramref name="assemblyNames"/> (simple names) that a silo's host provides.</summary>
    [Alias("Provided")]
    Task<IReadOnlyList<string>> ProvidedAsync(IReadOnlyList<string> assemblyNames, CancellationToken cancellationToken);
}
