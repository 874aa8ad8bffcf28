using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Runtime;

/// <summary>A job's submission with its logical graph rebuilt on this silo.</summary>
internal sealed class JobGraph(JobSubmission submission, IReadOnlyList<Transformation> transformations)
{
    public JobSubmission Submission { get; } = submission;

    public JobPlan Plan => Submission.Plan;

    public Transformation Operator(int id) =>
        id >= 0 && id < transformations.Count && transformations[id].Id == id
            ? transformations[id]
            : throw new InvalidOperationException($"Job {Submission.JobId} has no operator {id}.");
}
