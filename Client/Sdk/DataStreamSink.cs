using OrleansFlow.Graph;

namespace OrleansFlow;

/// <summary>The end of a stream: a sink operator, whose name and parallelism can still be set.</summary>
/// <typeparam name="T">Record type.</typeparam>
public sealed class DataStreamSink<T>
{
    internal DataStreamSink(Transformation transformation) => Transformation = transformation;

    internal Transformation Transformation { get; }

    /// <summary>The sink operator's name.</summary>
    public string OperatorName => Transformation.Name;

    /// <summary>Names the sink.</summary>
    public DataStreamSink<T> Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Transformation.Name = name;
        return this;
    }

    /// <summary>
    /// Gives the sink a stable id (Flink's <c>uid</c>), by which a job restored from a savepoint finds the sink's state
    /// (see <see cref="DataStream{T}.Uid"/>). Ids must be unique within a job.
    /// </summary>
    public DataStreamSink<T> Uid(string uid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        Transformation.Uid = uid;
        return this;
    }

    /// <summary>Sets the sink's parallelism (1 gives a single output file).</summary>
    public DataStreamSink<T> SetParallelism(int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        Transformation.Parallelism = parallelism;
        return this;
    }

    /// <summary>Keeps the sink out of chains.</summary>
    public DataStreamSink<T> DisableChaining()
    {
        Transformation.ChainingEnabled = false;
        return this;
    }
}
