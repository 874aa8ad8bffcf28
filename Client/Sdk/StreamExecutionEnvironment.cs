using OrleansFlow.Artifacts;
using OrleansFlow.Graph;
using OrleansFlow.Jobs;
using OrleansFlow.Planning;
using OrleansFlow.Sources;

namespace OrleansFlow;

/// <summary>
/// The context a streaming job is built and executed in, as Flink's StreamExecutionEnvironment. Building is lazy:
/// sources and transformations only describe the graph; <see cref="ExecuteAsync"/> submits it.
/// Get one with <see cref="ForCluster"/> (a running cluster) or <c>LocalStreamEnvironment.Create()</c> (embedded).
/// </summary>
public sealed partial class StreamExecutionEnvironment : IAsyncDisposable
{
    private readonly List<Transformation> _transformations = [];
    private readonly IJobExecutor? _executor;

    internal StreamExecutionEnvironment(IJobExecutor? executor) => _executor = executor;

    /// <summary>Default parallelism of operators that set none (default: the number of processors).</summary>
    public int Parallelism { get; private set; } = Environment.ProcessorCount;

    /// <summary>Runtime settings (batching, flow control, key groups).</summary>
    public ExecutionConfig Config { get; } = new();

    internal IReadOnlyList<Transformation> Transformations => _transformations;

    /// <summary>An environment that submits jobs to the cluster reached through <paramref name="client"/>.</summary>
    public static StreamExecutionEnvironment ForCluster(IClusterClient client) =>
        new(new ClusterJobExecutor(client ?? throw new ArgumentNullException(nameof(client))));

    /// <summary>Sets the default parallelism.</summary>
    public StreamExecutionEnvironment SetParallelism(int parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        Parallelism = parallelism;
        return this;
    }

    /// <summary>A non-parallel source emitting the given elements in order.</summary>
    public DataStream<T> FromCollection<T>(IEnumerable<T> elements) =>
        FromSource(new CollectionSource<T>(elements.ToArray()), "Collection Source");

    /// <summary>
    /// A parallel source of the lines of a UTF-8 text file; a line that is not valid UTF-8 fails the job with its line
    /// number. <paramref name="ratePerSecond"/>, if given, limits the source's total records per second (all its
    /// subtasks together, whatever the parallelism).
    /// </summary>
    public DataStream<string> ReadTextFile(string path, double? ratePerSecond = null) =>
        FromSource(new TextLineSource<string>(path, static line => line), $"Read {Path.GetFileName(path)}", ratePerSecond);

    /// <summary>
    /// A parallel source that parses each line of a text file (a CSV source, say). A line that
    /// <paramref name="parse"/> rejects by throwing, or that is not valid UTF-8, fails the job with its line number, or
    /// goes to an error file.
    /// </summary>
    public DataStream<T> ReadLines<T>(string path, Func<string, T> parse, BadRecordPolicy? onBadRecord = null, double? ratePerSecond = null) =>
        FromSource(new TextLineSource<T>(path, parse, onBadRecord), $"Read {Path.GetFileName(path)}", ratePerSecond);

    /// <summary>
    /// As <see cref="ReadLines{T}(string, Func{string, T}, BadRecordPolicy?, double?)"/>, but <paramref name="parse"/>
    /// reads each line from its characters, so no string is made per line (use <see cref="StringPool"/> for fields
    /// that repeat). The characters are only valid during the call. <paramref name="ratePerSecond"/>, if given, limits
    /// the source's total records per second (all subtasks together).
    /// </summary>
    public DataStream<T> ReadLineSpans<T>(string path, LineParser<T> parse, BadRecordPolicy? onBadRecord = null, double? ratePerSecond = null) =>
        FromSource(TextLineSource<T>.FromSpans(path, parse, onBadRecord), $"Read {Path.GetFileName(path)}", ratePerSecond);

    /// <summary>
    /// A deterministic parallel generator: record i is <paramref name="generate"/>(i) for i below
    /// <paramref name="count"/>, or forever when count is null; optionally limited to <paramref name="ratePerSecond"/>
    /// records per second in total (all subtasks together, each keeping an equal share).
    /// </summary>
    public DataStream<T> Generate<T>(Func<long, T> generate, long? count = null, double? ratePerSecond = null) =>
        FromSource(new GeneratorSource<T>(generate, count), "Generator Source", ratePerSecond);

    /// <summary>The numbers from <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public DataStream<long> FromSequence(long from, long to) =>
        FromSource(new GeneratorSource<long>(i => from + i, to - from + 1), "Sequence Source");

    /// <summary>
    /// A stream from any <see cref="ISource{T}"/> with timestamps and watermarks from <paramref name="watermarks"/>,
    /// generated per source subtask (the assigner is chained to the source, as Flink's fromSource with a strategy).
    /// <paramref name="ratePerSecond"/>, if given, limits the source's total records per second (all subtasks together).
    /// </summary>
    public DataStream<T> FromSource<T>(ISource<T> source, string name, Watermarks.WatermarkStrategy<T> watermarks, double? ratePerSecond = null) =>
        FromSource(source, name, ratePerSecond).AssignTimestampsAndWatermarks(watermarks);

    /// <summary>
    /// A stream from any <see cref="ISource{T}"/>. <paramref name="ratePerSecond"/>, if given, is the source's TOTAL
    /// records per second: each of its n subtasks keeps to ratePerSecond / n, so the rate does not depend on the
    /// parallelism (a subtask whose share of the input is larger than the others' finishes later).
    /// </summary>
    public DataStream<T> FromSource<T>(ISource<T> source, string name, double? ratePerSecond = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (ratePerSecond is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "A rate limit must be positive.");
        }

        var node = Add(new SourceTransformation<T>(NextId, $"Source: {name}", source, ratePerSecond));
        if (source.MaxParallelism == 1)
        {
            node.Parallelism = 1;
        }

        return new DataStream<T>(this, node);
    }

    /// <summary>
    /// Submits the graph built on this environment and returns a handle to the running job. Lambdas in the graph run
    /// in this process, so this works with the embedded environment; for a cluster use <see cref="ExecuteJobAsync"/>.
    /// </summary>
    public async Task<JobClient> ExecuteAsync(string jobName = "OrleansFlow Job", CancellationToken cancellationToken = default)
    {
        var executor = _executor ?? throw new InvalidOperationException("This environment only builds graphs; it cannot execute them.");
        if (!executor.SharesProcessWithSilos)
        {
            throw new InvalidOperationException(
                "A graph built in this program cannot run on a remote cluster, whose silos cannot call its lambdas. " +
                "Put the job in an IStreamJob type and submit it with ExecuteJobAsync.");
        }

        var jobId = NewJobId();
        var graph = _transformations.ToArray();
        var source = new JobSource(JobTypeName: null, Arguments: [], LocalGraphId: jobId);
        var submission = JobSubmissions.Create(jobId, jobName, source, new JobGraphBuilder.BuiltGraph(graph, this));
        LocalGraphRegistry.Register(jobId, graph);
        return await SubmitAsync(executor, submission, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the job type with <paramref name="args"/> and submits it. Every silo rebuilds the same graph from the
    /// type. When the cluster's silos do not ship the type's assembly (your own job project, or a type of a
    /// <see cref="JobAssembly"/>), the assembly and its private dependencies are uploaded first, and the silos load
    /// them into an isolated load context; record types of the job need no Orleans attributes then.
    /// </summary>
    public async Task<JobClient> ExecuteJobAsync(Type jobType, IReadOnlyList<string>? args = null, string? jobName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobType);
        var executor = _executor ?? throw new InvalidOperationException("This environment only builds graphs; it cannot execute them.");
        var submission = PrepareJobSubmission(jobType, args, jobName);
        var client = await executor.GetClientAsync(cancellationToken).ConfigureAwait(false);
        if (await JobUploads.PrepareAsync(client, jobType, executor.SharesProcessWithSilos, SubmissionToken, cancellationToken).ConfigureAwait(false) is { } artifactId)
        {
            submission = submission with { Source = submission.Source with { ArtifactId = artifactId } };
        }

        return await SubmitAsync(executor, submission, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds and submits a job type; see <see cref="ExecuteJobAsync(Type, IReadOnlyList{string}?, string?, CancellationToken)"/>.</summary>
    public Task<JobClient> ExecuteJobAsync<TJob>(IReadOnlyList<string>? args = null, string? jobName = null, CancellationToken cancellationToken = default)
        where TJob : IStreamJob, new() => ExecuteJobAsync(typeof(TJob), args, jobName, cancellationToken);

    /// <summary>A handle to a job already submitted to the cluster this environment reaches.</summary>
    /// <exception cref="JobNotFoundException">The cluster has no job <paramref name="jobId"/>.</exception>
    public async Task<JobClient> AttachAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var submission = await client.GetGrain<IJobManagerGrain>(jobId).GetSubmissionAsync(cancellationToken).ConfigureAwait(false);
        return new JobClient(client, submission, SubmissionToken);
    }

    /// <summary>The jobs submitted to the cluster this environment reaches, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<JobEntry>> ListJobsAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var registry = client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        return await ClusterCallRetry.RunAsync(() => registry.ListAsync(limit, cancellationToken), JobClient.OptionsOf(client), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status of a job of the cluster this environment reaches, by id (without fetching its plan as <see cref="AttachAsync"/> does).</summary>
    public async Task<JobStatusInfo> GetJobStatusAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var manager = client.GetGrain<IJobManagerGrain>(jobId);
        return await ClusterCallRetry.RunAsync(() => manager.GetStatusAsync(cancellationToken), JobClient.OptionsOf(client), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The client of the cluster this environment reaches (starting the embedded silo on first use).</summary>
    private ValueTask<IClusterClient> ClientAsync(CancellationToken cancellationToken) =>
        (_executor ?? throw new InvalidOperationException("This environment only builds graphs.")).GetClientAsync(cancellationToken);

    /// <summary>Stops the embedded silo, if this environment started one.</summary>
    public ValueTask DisposeAsync() => _executor?.DisposeAsync() ?? ValueTask.CompletedTask;

    internal int NextId => _transformations.Count;

    /// <summary>Builds the job type and checks its settings: the submission <see cref="ExecuteJobAsync(Type, IReadOnlyList{string}?, string?, CancellationToken)"/> sends.</summary>
    internal JobSubmission PrepareJobSubmission(Type jobType, IReadOnlyList<string>? args, string? jobName)
    {
        // A copy as a plain array: the caller's list may be a type of its own assembly (a collection expression compiles
        // to one), which would then travel as a job type, and could change after submission.
        var source = new JobSource(jobType.AssemblyQualifiedName, args is null ? Array.Empty<string>() : args.ToArray(), LocalGraphId: null);
        return JobSubmissions.Create(NewJobId(), jobName ?? jobType.Name, source, JobGraphBuilder.Build(source, this, jobType));
    }

    internal T Add<T>(T transformation)
        where T : Transformation
    {
        if (transformation.Id != _transformations.Count)
        {
            throw new InvalidOperationException("Transformations must be added in id order.");
        }

        _transformations.Add(transformation);
        return transformation;
    }

    private static string NewJobId() => Guid.NewGuid().ToString("N");

    private async Task<JobClient> SubmitAsync(IJobExecutor executor, JobSubmission submission, CancellationToken cancellationToken)
    {
        var client = await executor.GetClientAsync(cancellationToken).ConfigureAwait(false);
        await client.GetGrain<IJobManagerGrain>(submission.JobId).SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
        return new JobClient(client, submission, SubmissionToken);
    }
}
