namespace OrleansFlow.Storage;

/// <summary>
/// Process-wide locks for state files, striped by path: the ETag check and the replacement of a file happen under
/// its lock, so two provider instances over the same directory in one process (two silos of a test cluster, or a
/// provider re-created after a restart) cannot both win a conflicting write. Other processes are not covered.
/// </summary>
internal static class StateFileLocks
{
    private const int Stripes = 256;

    private static readonly SemaphoreSlim[] Locks = CreateLocks();

    /// <summary>Waits for the lock of <paramref name="fullPath"/>; dispose the result to release it.</summary>
    public static async Task<Releaser> AcquireAsync(string fullPath, CancellationToken cancellationToken)
    {
        var gate = Locks[(uint)StringComparer.Ordinal.GetHashCode(fullPath) % Stripes];
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private static SemaphoreSlim[] CreateLocks()
    {
        var locks = new SemaphoreSlim[Stripes];
        for (var i = 0; i < locks.Length; i++)
        {
            locks[i] = new SemaphoreSlim(1, 1);
        }

        return locks;
    }

    /// <summary>Releases a held lock once.</summary>
    internal readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
