namespace OrleansFlow.Execution;

/// <summary>
/// A small per-thread stock of emptied objects of one type for the window operator to use again. Windows open and
/// close all the time (each window of each key), and a per-key call that closes a window usually opens the next: an
/// object kept here instead of becoming garbage saves an allocation that would otherwise live for a window's lifetime
/// (long enough to be promoted, which is what makes garbage collection expensive). Only objects nothing else refers
/// to may be kept.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
internal static class SpareObjects<T>
    where T : class
{
    private const int MaxSpares = 256;

    [ThreadStatic]
    private static Stack<T>? t_spares;

    /// <summary>Takes a kept object, if this thread has one.</summary>
    public static T? TryTake() => t_spares is { Count: > 0 } spares ? spares.Pop() : null;

    /// <summary>Keeps an emptied object that nothing else refers to (dropped when this thread already keeps enough).</summary>
    public static void Keep(T spare)
    {
        var spares = t_spares ??= new Stack<T>();
        if (spares.Count < MaxSpares)
        {
            spares.Push(spare);
        }
    }
}
