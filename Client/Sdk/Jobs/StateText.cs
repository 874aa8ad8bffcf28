using System.Collections;
using System.Globalization;

namespace OrleansFlow.Jobs;

/// <summary>Renders a state value for people: scalars invariantly, lists as <c>[a, b]</c>, maps as <c>{k: v}</c>.</summary>
internal static class StateText
{
    public static string? Render(object? value) => value switch
    {
        null => null,
        string text => text,
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Render(k)}: {Render(map[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Render)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
