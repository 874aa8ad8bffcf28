using System.Globalization;

namespace OrleansFlow.Examples;

/// <summary>Reads "--name value" pairs of an example job's arguments, with errors that name the option.</summary>
public sealed class JobArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Parses arguments; every option takes a value.</summary>
    public JobArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new ArgumentException($"Expected an option (--name value), got '{name}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{name}' needs a value.");
            }

            _values[name[2..]] = args[++i];
        }
    }

    /// <summary>The names given.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>A required option.</summary>
    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"Missing required option --{name}.");

    /// <summary>An optional option.</summary>
    public string? Optional(string name) => _values.GetValueOrDefault(name);

    /// <summary>An optional positive number.</summary>
    public double? OptionalPositive(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"Option --{name} expects a positive number, got '{text}'.");
    }

    /// <summary>Fails on options the job does not know.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var name in _values.Keys)
        {
            if (!known.Contains(name))
            {
                throw new ArgumentException($"Unknown option --{name}. Known options: {string.Join(", ", known.Select(k => "--" + k))}.");
            }
        }
    }
}
