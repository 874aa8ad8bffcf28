namespace OrleansFlow.Tests.Fixtures;

/// <summary>Upper bounds for waiting on jobs; generous because CI machines are shared and slow.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Job = TimeSpan.FromSeconds(60);

    public static CancellationToken JobToken() => new CancellationTokenSource(Job).Token;
}
