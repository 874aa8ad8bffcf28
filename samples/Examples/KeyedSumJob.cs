using System.Globalization;
using OrleansFlow.Sources;

namespace OrleansFlow.Examples;

/// <summary>
/// A running sum of <c>value</c> per key over lines <c>timestamp,key,value</c> (the window-sum input; timestamps are
/// not used), writing every update as a line <c>key,sum</c>, as Flink's keyed <c>sum</c> emits each running result.
/// The keyed state is one number per key: the job that measures what checkpoints and key counts cost.
/// </summary>
public sealed class KeyedSumJob : IStreamJob
{
    /// <summary>The options this job takes.</summary>
    public const string Usage = "--input FILE --output FILE [--on-bad-record fail|skip] [--error-file FILE] [--rate N]";

    /// <inheritdoc />
    public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(env);
        var options = new JobArguments(args);
        options.RejectUnknown("input", "output", "on-bad-record", "error-file", "rate");
        var output = options.Required("output");
        var badRecords = options.Optional("on-bad-record") switch
        {
            null or "fail" => BadRecordPolicy.Fail,
            "skip" => BadRecordPolicy.WriteTo(options.Optional("error-file") ?? output + ".errors"),
            var other => throw new ArgumentException($"--on-bad-record must be fail or skip, got '{other}'."),
        };
        var keys = new StringPool();
        env.ReadLineSpans(options.Required("input"), line => WindowEvent.Parse(line, punctuated: false, keepLine: false, keys), badRecords, options.OptionalPositive("rate"))
            .SetParallelism(1)
            .KeyBy(e => e.Key)
            .Sum(e => e.Value).Name("Keyed Sum")
            .WriteAsText(output, e => string.Create(CultureInfo.InvariantCulture, $"{e.Key},{e.Value}")).SetParallelism(1);
    }
}
