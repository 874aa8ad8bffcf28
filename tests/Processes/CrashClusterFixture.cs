namespace OrleansFlow.Tests.Processes;

/// <summary>
/// What the crash tests share: one <see cref="ProcessCluster"/> of three <c>flow silo</c> processes on the test Redis
/// for the SIGKILL scenarios (each replaces every silo it kills, so the next finds three), the generated inputs (60,000 events,
/// and word lines made from them) and the failure-free embedded output of each job, computed while the silos start.
/// Starting a cluster and running the reference jobs once instead of per test is most of what the tests' time was
/// besides their jobs. The directory (logs, inputs, outputs) is deleted at the end unless a test failed or
/// ORLEANSFLOW_CRASH_KEEP_LOGS is set; a failure message names it.
/// </summary>
public sealed class CrashClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flow-crash-").FullName;
    private bool _ready;
    private bool _failed;
    private ProcessCluster? _cluster;
    private CrashJob? _tumbling;
    private CrashJob? _session;
    private CrashJob? _wordCount;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The crash cluster did not start.");

    /// <summary><c>window-sum</c> with tumbling windows of 10 s over the events.</summary>
    internal CrashJob Tumbling => _tumbling ?? throw new InvalidOperationException("No embedded run.");

    /// <summary><c>window-sum</c> with session windows of a 5 s gap over the events.</summary>
    internal CrashJob Session => _session ?? throw new InvalidOperationException("No embedded run.");

    /// <summary><c>wordcount</c> over lines of eight words.</summary>
    internal CrashJob WordCount => _wordCount ?? throw new InvalidOperationException("No embedded run.");

    public async Task InitializeAsync()
    {
        var redis = Fixtures.RedisTestServer.Address; // fails at once, saying how to get a Redis, when there is none
        var events = await CrashInputs.EventsAsync(_directory, 60_000);
        var words = await CrashInputs.WordsAsync(_directory, 60_000, wordsPerLine: 8);
        _cluster = await ProcessCluster.CreateAsync(redis, _directory, output: null);
        var silos = _cluster.EnsureSilosAsync(CrashRecoveryScenario.Silos, CrashRecoveryScenario.SiloStart);
        try
        {
            _tumbling = await CrashRecoveryScenario.RunEmbeddedAsync(_directory, "tumbling", "window-sum", ["--input", events, "--window", "tumbling:10s", "--out-of-orderness", "2s"]);
            _session = await CrashRecoveryScenario.RunEmbeddedAsync(_directory, "session", "window-sum", ["--input", events, "--window", "session:5s", "--out-of-orderness", "2s"]);
            _wordCount = await CrashRecoveryScenario.RunEmbeddedAsync(_directory, "wordcount", "wordcount", ["--input", words]);
        }
        finally
        {
            await silos;
        }

        _ready = true;
    }

    /// <summary>A new subdirectory of the fixture's directory, e.g. for a cluster of a test's own.</summary>
    internal string DirectoryFor(string name) => Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;

    /// <summary>A scenario failed: the directory stays for a look.</summary>
    internal void Failed() => _failed = true;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_ready && !_failed && Environment.GetEnvironmentVariable("ORLEANSFLOW_CRASH_KEEP_LOGS") is null or "")
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
