namespace OrleansFlow.Tests.Fixtures;

/// <summary>The Redis that ./run-tests starts for the test run, named by ORLEANSFLOW_TEST_REDIS.</summary>
public static class RedisTestServer
{
    public const string Variable = "ORLEANSFLOW_TEST_REDIS";

    /// <summary>The server's host:port; fails (never skips) when the variable is not set.</summary>
    public static string Address =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException(
                $"{Variable} is not set. The Redis-backed tests need the private redis-server that ./run-tests starts: " +
                $"run ./run-tests (or start redis-server yourself and set {Variable}=host:port).");
}
