namespace OrleansFlow.Execution;

/// <summary>
/// A user function threw. The message names the operator and, once known, where the record came from; it is fixed
/// at construction so it survives serialization between silos.
/// </summary>
public sealed class UserFunctionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UserFunctionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public UserFunctionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UserFunctionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The operator whose function threw.</summary>
    public string OperatorName { get; init; } = string.Empty;

    /// <summary>Where the record being processed came from, if known.</summary>
    public string? RecordPosition { get; init; }

    /// <summary>Wraps an exception a user function of <paramref name="operatorName"/> threw.</summary>
    public static UserFunctionException For(string operatorName, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new UserFunctionException($"Operator '{operatorName}' failed: {inner.GetType().Name}: {inner.Message}", inner) { OperatorName = operatorName };
    }

    /// <summary>The same failure, with the record's position added to the message.</summary>
    public UserFunctionException At(string position) =>
        new($"{Message} (record: {position})", InnerException ?? this) { OperatorName = OperatorName, RecordPosition = position };
}
