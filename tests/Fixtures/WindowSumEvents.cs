using System.Globalization;
using System.Text;

namespace OrleansFlow.Tests.Fixtures;

/// <summary>Input for the window-sum example in cluster tests.</summary>
public static class WindowSumEvents
{
    /// <summary>
    /// Writes <paramref name="count"/> lines <c>timestamp,key,value</c> to <paramref name="path"/>: timestamps running
    /// forward by 0-2 ms and jittered back by up to 60 ms (some late), <paramref name="keys"/> keys, a fixed seed.
    /// </summary>
    public static string Write(string path, int count, int keys, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder();
        long clock = 1_700_000_000_000;
        for (var i = 0; i < count; i++)
        {
            clock += random.Next(0, 3);
            builder.Append(CultureInfo.InvariantCulture, $"{clock - random.Next(0, 60)},w{random.Next(keys)},{random.Next(1, 100)}\n");
        }

        File.WriteAllText(path, builder.ToString());
        return path;
    }
}
