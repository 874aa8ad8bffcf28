namespace OrleansFlow.Functions;

/// <summary>Combines two values of one key into one; must be associative for results to be meaningful.</summary>
public interface IReduceFunction<T>
{
    /// <summary>Combines the running value with a new record.</summary>
    T Reduce(T accumulated, T value);
}
