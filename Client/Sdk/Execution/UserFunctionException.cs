namespace OrleansFlow.Execution;

/// <summary>A user function threw; carries the operator's name and, once known, where the record came from.</summary>
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
    public string? RecordPosition { get; set; }

    /// <summary>The message, with the record's position when known.</summary>
    public override string Message =>
        RecordPosition is null ? base.Message : $"{base.Message} (record: {RecordPosition})";

    /// <summary>Sets where the failing record came from; returns this exception.</summary>
    public UserFunctionException At(string position)
    {
        RecordPosition = position;
        return this;
    }

    /// <summary>Wraps an exception a user function of <paramref name="operatorName"/> threw.</summary>
    public static UserFunctionException For(string operatorName, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new UserFunctionException($"Operator '{operatorName}' failed: {inner.GetType().Name}: {inner.Message}", inner) { OperatorName = operatorName };
    }
}
