using System.Globalization;

namespace OrleansFlow.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed class BenchOptions
{
    public const string Usage =
        """
        usage: bench/run.sh [options]
          --events N          events to generate and read (default 10000000)
          --input FILE        read this file instead of the generated one (its line count is the event count)
          --data DIR          where generated inputs live (default bench/data under the repository)
          --generator FILE    the shared generator (default ../shared/tools/gen_events.py from the repository root)
          --parallelism N     engine parallelism (default 2)
          --phase P           all (default), loop or engine
          --in-process        run the engine in this process after the loop instead of in a fresh child process
          --timeout SECONDS   fail the engine run after this long (default 900)
        """;

    public long Events { get; private init; } = 10_000_000;

    public string? Input { get; private init; }

    public string? DataDirectory { get; private init; }

    public string? Generator { get; private init; }

    public int Parallelism { get; private init; } = 2;

    public string Phase { get; private init; } = "all";

    public bool InProcess { get; private init; }

    public TimeSpan Timeout { get; private init; } = TimeSpan.FromSeconds(900);

    /// <summary>Set by the parent for a child engine run: the input is ready and holds this many events.</summary>
    public long? ExpectedEvents { get; private init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        long events = 10_000_000;
        string? input = null, data = null, generator = null;
        var parallelism = 2;
        var phase = "all";
        var inProcess = false;
        var timeout = 900L;
        long? expected = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--events":
                    events = Positive(args, ref i);
                    break;
                case "--input":
                    input = Value(args, ref i);
                    break;
                case "--data":
                    data = Value(args, ref i);
                    break;
                case "--generator":
                    generator = Value(args, ref i);
                    break;
                case "--parallelism":
                    parallelism = checked((int)Positive(args, ref i));
                    break;
                case "--phase":
                    phase = Value(args, ref i);
                    if (phase is not ("all" or "loop" or "engine"))
                    {
                        throw new ArgumentException($"--phase expects all, loop or engine, got '{phase}'");
                    }

                    break;
                case "--in-process":
                    inProcess = true;
                    break;
                case "--timeout":
                    timeout = Positive(args, ref i);
                    break;
                case "--expect":
                    expected = Positive(args, ref i);
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return new BenchOptions
        {
            Events = events,
            Input = input,
            DataDirectory = data,
            Generator = generator,
            Parallelism = parallelism,
            Phase = phase,
            InProcess = inProcess,
            Timeout = TimeSpan.FromSeconds(timeout),
            ExpectedEvents = expected,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{args[i]}' needs a value");

    private static long Positive(IReadOnlyList<string> args, ref int i)
    {
        var option = args[i];
        var text = Value(args, ref i);
        return long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{option} expects a positive integer, got '{text}'");
    }
}
