using System.Reflection;
using OrleansFlow.Jobs;

namespace OrleansFlow.Graph;

/// <summary>Builds a job's logical graph from its <see cref="JobSource"/>, on the client or on a silo.</summary>
internal static class JobGraphBuilder
{
    /// <summary>The built graph with the environment whose settings (parallelism, config, checkpointing) the build left.</summary>
    public sealed record BuiltGraph(IReadOnlyList<Transformation> Transformations, StreamExecutionEnvironment Environment)
    {
        /// <summary>The default parallelism.</summary>
        public int Parallelism => Environment.Parallelism;

        /// <summary>The runtime settings.</summary>
        public ExecutionConfig Config => Environment.Config;
    }

    /// <summary>
    /// Builds the graph of <paramref name="source"/>: its local graph, or its job type (<paramref name="jobType"/> when
    /// the caller resolved it, as for a type of an uploaded artifact; otherwise loaded by name).
    /// </summary>
    public static BuiltGraph Build(JobSource source, StreamExecutionEnvironment? template = null, Type? jobType = null)
    {
        if (source.LocalGraphId is { } local)
        {
            return new BuiltGraph(LocalGraphRegistry.Get(local), template ?? new StreamExecutionEnvironment(executor: null).SetParallelism(1));
        }

        var typeName = source.JobTypeName ?? throw new ArgumentException("The job source names neither a job type nor a local graph.", nameof(source));
        var type = jobType ?? Type.GetType(typeName, throwOnError: false)
            ?? throw new InvalidOperationException($"Job type '{typeName}' cannot be loaded here; is its assembly deployed?");
        if (!typeof(IStreamJob).IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"Type '{type.FullName}' does not implement IStreamJob.");
        }

        IStreamJob job;
        try
        {
            job = (IStreamJob)(Activator.CreateInstance(type)
                ?? throw new InvalidOperationException($"Job type '{type.FullName}' could not be created."));
        }
        catch (Exception e) when (e is TargetInvocationException or TypeInitializationException or MissingMethodException)
        {
            throw JobBuildException.For(type, "be created", e);
        }

        var env = new StreamExecutionEnvironment(executor: null);
        if (template is not null)
        {
            env.CopySettingsFrom(template);
        }

        try
        {
            job.Build(env, source.Arguments);
        }
        catch (Exception e) when (e is TargetInvocationException or TypeInitializationException)
        {
            // A type the build touched has a static constructor that threw (other exceptions of Build keep their type:
            // an ArgumentException about a job argument is a usage error).
            throw JobBuildException.For(type, "build its graph", e);
        }

        return new BuiltGraph(env.Transformations, env);
    }
}
