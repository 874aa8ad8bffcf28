namespace OrleansFlow.Hosting;

/// <summary>
/// The embedded default: an environment whose jobs run on a silo started inside this process on loopback ports,
/// as Flink's local environment. Nothing to install; the silo starts with the first job and stops when the
/// environment is disposed.
/// </summary>
public static class LocalStreamEnvironment
{
    /// <summary>Creates an embedded environment.</summary>
    public static StreamExecutionEnvironment Create(LocalEnvironmentOptions? options = null)
    {
        options ??= new LocalEnvironmentOptions();
        var env = new StreamExecutionEnvironment(new EmbeddedSiloExecutor(options));
        if (options.Parallelism is { } parallelism)
        {
            env.SetParallelism(parallelism);
        }

        return env;
    }
}
