namespace OrleansFlow;

/// <summary>
/// A setting that breaks a rule, found when a job is submitted. <see cref="Setting"/> is the property's name, so a
/// caller that set it under another name (a command-line flag) can name it its own way.
/// </summary>
/// <param name="Owner">Where the setting lives, as the user writes it (<c>CheckpointConfig</c>, <c>RestartStrategy.FixedDelay</c>).</param>
/// <param name="Setting">The property's name.</param>
/// <param name="Rule">What the value must be, e.g. "must be at least 1".</param>
/// <param name="Actual">The value given, formatted for the message.</param>
internal sealed record SettingProblem(string Owner, string Setting, string Rule, string Actual)
{
    /// <summary>One sentence naming the setting, the rule and the value.</summary>
    public string Message => $"{Owner}.{Setting} {Rule}, got {Actual}.";

    /// <summary>The exception submission throws for this problem.</summary>
    public ArgumentOutOfRangeException ToException() => new(Setting, Message);

    /// <summary>A duration as the messages show it (whole milliseconds, or fractions when there are some).</summary>
    public static string Format(TimeSpan value) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.TotalMilliseconds} ms");
}
