using System.Reflection;

namespace OrleansFlow.Artifacts;

/// <summary>Finds the job types (<see cref="IStreamJob"/> implementations) of a job assembly.</summary>
internal static class JobTypes
{
    /// <summary>
    /// The public, concrete types of <paramref name="assembly"/> implementing <see cref="IStreamJob"/> with a public
    /// parameterless constructor, by full name. A dependency that cannot be loaded throws, naming it.
    /// </summary>
    public static IReadOnlyList<Type> In(Assembly assembly, string fileName)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            var cause = e is ReflectionTypeLoadException load ? load.LoaderExceptions.FirstOrDefault(x => x is not null) ?? e : e;
            throw new JobArtifactException($"'{fileName}' cannot be loaded: {cause.Message}", e);
        }

        return types
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
                && typeof(IStreamJob).IsAssignableFrom(t)
                && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The job type named <paramref name="name"/> (full or simple name), or the only one when no name is given; none,
    /// several or no match is a <see cref="JobArtifactException"/> listing the job types there are.
    /// </summary>
    public static Type Select(IReadOnlyList<Type> types, string? name, string fileName)
    {
        var list = string.Join(", ", types.Select(t => t.FullName));
        if (types.Count == 0)
        {
            throw new JobArtifactException($"'{fileName}' has no job type: no public class implementing IStreamJob with a public parameterless constructor");
        }

        if (name is null)
        {
            return types.Count == 1
                ? types[0]
                : throw new JobArtifactException($"'{fileName}' has several job types; pick one with --job: {list}");
        }

        var matches = types.Where(t => string.Equals(t.FullName, name, StringComparison.Ordinal)).ToArray();
        if (matches.Length == 0)
        {
            matches = [.. types.Where(t => string.Equals(t.Name, name, StringComparison.Ordinal))];
        }

        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new JobArtifactException($"'{fileName}' has no job type '{name}'; its job types: {list}"),
            _ => throw new JobArtifactException($"job type '{name}' is ambiguous in '{fileName}'; give the full name: {string.Join(", ", matches.Select(t => t.FullName))}"),
        };
    }
}
