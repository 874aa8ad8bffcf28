namespace OrleansFlow.Tests.Fixtures;

/// <summary>An <see cref="IProgress{T}"/> that keeps every report, in order, as it is made (unlike <see cref="Progress{T}"/>, which posts them).</summary>
public sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    /// <summary>A copy of the reports so far.</summary>
    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
