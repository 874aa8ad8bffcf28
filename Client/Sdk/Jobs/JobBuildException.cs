namespace OrleansFlow.Jobs;

/// <summary>
/// A job type could not be created or its <c>Build</c> method threw: the message names the type and the innermost
/// cause (the message of the exception a static constructor threw, not "the type initializer threw").
/// </summary>
[GenerateSerializer, Alias("flow.JobBuildException")]
public sealed class JobBuildException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public JobBuildException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobBuildException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JobBuildException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The failure of <paramref name="jobType"/> to <paramref name="step"/> ("be created", "build its graph"), from
    /// the exception that reached the caller: reflection and type-initializer wrappers are unwrapped to their cause.
    /// </summary>
    public static JobBuildException For(Type jobType, string step, Exception thrown)
    {
        ArgumentNullException.ThrowIfNull(jobType);
        ArgumentNullException.ThrowIfNull(thrown);
        var cause = Unwrap(thrown);
        return new JobBuildException($"job type '{jobType.FullName}' could not {step}: {cause.GetType().Name}: {cause.Message}", cause);
    }

    /// <summary>
    /// The exception a wrapper stands for: the inner exception of a <see cref="System.Reflection.TargetInvocationException"/>,
    /// a <see cref="TypeInitializationException"/> or an <see cref="AggregateException"/> with one inner exception, repeatedly.
    /// </summary>
    public static Exception Unwrap(Exception thrown)
    {
        ArgumentNullException.ThrowIfNull(thrown);
        var cause = thrown;
        while (cause switch
        {
            System.Reflection.TargetInvocationException { InnerException: { } inner } => inner,
            TypeInitializationException { InnerException: { } inner } => inner,
            AggregateException { InnerExceptions: [var single] } => single,
            _ => null,
        } is { } unwrapped)
        {
            cause = unwrapped;
        }

        return cause;
    }
}
