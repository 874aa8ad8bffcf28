namespace OrleansFlow.Jobs;

/// <summary>The first failure of a job.</summary>
/// <param name="OperatorName">The operator (or chain) that failed.</param>
/// <param name="Subtask">Its subtask.</param>
/// <param name="Message">What went wrong, including the record's position where known.</param>
/// <param name="ExceptionType">The .NET type of the exception.</param>
[GenerateSerializer, Immutable, Alias("flow.JobFailure")]
public sealed record JobFailure(
    [property: Id(0)] string OperatorName,
    [property: Id(1)] int Subtask,
    [property: Id(2)] string Message,
    [property: Id(3)] string ExceptionType);
