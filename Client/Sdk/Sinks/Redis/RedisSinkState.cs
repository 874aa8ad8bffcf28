using System.Text;

namespace OrleansFlow.Sinks.Redis;

/// <summary>
/// The checkpoint state of an exactly-once Redis list writer: its key scope and writer token. A restarted writer
/// keeps the scope (so its committed marker is the same even if the job id changed) and commits that writer's parts.
/// </summary>
internal static class RedisSinkState
{
    private const string Prefix = "orleansflow.redislist/1";

    public static byte[] Encode(string scope, string writer) => Encoding.UTF8.GetBytes($"{Prefix}\n{scope}\n{writer}");

    /// <exception cref="InvalidOperationException">The state was not written by an exactly-once Redis list writer.</exception>
    public static (string Scope, string Writer) Decode(SinkRestore restore, string target)
    {
        var parts = Encoding.UTF8.GetString(restore.State).Split('\n');
        if (parts.Length != 3 || parts[0] != Prefix || parts[1].Length == 0 || parts[2].Length == 0)
        {
            throw new InvalidOperationException(
                $"Cannot restore the Redis list '{target}' from checkpoint {restore.CheckpointId}: the checkpoint's sink state was not " +
                "written by an exactly-once RedisListSink writer (was the job's checkpointing mode changed?).");
        }

        return (parts[1], parts[2]);
    }
}
