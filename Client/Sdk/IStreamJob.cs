namespace OrleansFlow;

/// <summary>
/// A streaming job as a type. Silos load the type and call <see cref="Build"/> to rebuild the same graph wherever
/// operators run, so its lambdas run there. Build must be deterministic: the same arguments give the same graph.
/// The type needs a public parameterless constructor.
/// </summary>
public interface IStreamJob
{
    /// <summary>Adds the job's sources, transformations and sinks to <paramref name="env"/>.</summary>
    void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args);
}
