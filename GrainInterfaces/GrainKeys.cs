using System.Globalization;

namespace OrleansFlow;

/// <summary>Builds and parses the composite string keys of OrleansFlow grains, in one place.</summary>
public static class GrainKeys
{
    private const char Separator = '/';

    /// <summary>Key of one operator task: a subtask of a vertex of a job, in one execution attempt.</summary>
    public static string Task(string jobId, int vertexId, int subtask, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}{Separator}{vertexId}{Separator}{subtask}{Separator}{attempt}");

    /// <summary>Parses a key made by <see cref="Task"/>.</summary>
    public static TaskAddress ParseTask(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split(Separator);
        if (parts.Length != 4)
        {
            throw new FormatException($"'{key}' is not a task key (job/vertex/subtask/attempt).");
        }

        return new TaskAddress(
            parts[0],
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Key of the per-key state grain of one key of a keyed operator.</summary>
    public static string KeyedState(string jobId, int operatorId, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}{Separator}{operatorId}{Separator}{key}");

    /// <summary>Parses a key made by <see cref="KeyedState"/>; the record key itself may contain separators.</summary>
    public static (string JobId, int OperatorId, string Key) ParseKeyedState(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var first = grainKey.IndexOf(Separator, StringComparison.Ordinal);
        var second = first < 0 ? -1 : grainKey.IndexOf(Separator, first + 1);
        if (second < 0)
        {
            throw new FormatException($"'{grainKey}' is not a keyed-state key (job/operator/key).");
        }

        return (grainKey[..first],
            int.Parse(grainKey.AsSpan(first + 1, second - first - 1), CultureInfo.InvariantCulture),
            grainKey[(second + 1)..]);
    }

    /// <summary>Key of the collector that gathers a collect sink's results.</summary>
    public static string Collector(string jobId, int operatorId) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}{Separator}{operatorId}");
}

/// <summary>The parts of a task grain key.</summary>
/// <param name="JobId">The job.</param>
/// <param name="VertexId">The vertex (operator chain) within the job plan.</param>
/// <param name="Subtask">The parallel instance, from 0.</param>
/// <param name="Attempt">The execution attempt; a restart uses fresh grains.</param>
public readonly record struct TaskAddress(string JobId, int VertexId, int Subtask, int Attempt);
