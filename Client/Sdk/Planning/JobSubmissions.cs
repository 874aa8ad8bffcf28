using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Planning;

/// <summary>Turns a built graph and the settings its environment holds into a <see cref="JobSubmission"/>.</summary>
internal static class JobSubmissions
{
    /// <summary>
    /// Checks every setting (runtime, checkpointing, restart strategy: an invalid one throws an
    /// <see cref="ArgumentOutOfRangeException"/> naming it), plans the graph and assembles the submission. The restart
    /// strategy is always explicit: Flink's default for the job's checkpointing when none was set.
    /// </summary>
    public static JobSubmission Create(string jobId, string jobName, JobSource source, JobGraphBuilder.BuiltGraph built)
    {
        var env = built.Environment;
        var settings = env.Config.ToSettings();
        var checkpointing = env.CheckpointConfig.ToSettings();
        var restart = RestartStrategy.Resolve(env.RestartStrategy, checkpointing is not null);
        var plan = JobPlanner.Plan(built.Transformations, env.Parallelism);
        return new JobSubmission(jobId, jobName, source, plan, settings, checkpointing, restart, env.SavepointRestorePath, env.AllowNonRestoredState, SubmissionToken: env.SubmissionToken);
    }
}
