using System.Runtime.Loader;

namespace OrleansFlow.Artifacts;

/// <summary>
/// The assemblies this process's host provides in its default load context: the trusted platform assemblies of its
/// deps.json (the .NET libraries, Orleans, OrleansFlow and whatever else the host ships) and anything already loaded
/// there. A job load context shares these instead of loading its own copies, so <see cref="IStreamJob"/> and the SDK's
/// types keep one identity.
/// </summary>
internal static class HostAssemblies
{
    private static readonly Lazy<HashSet<string>> TrustedPlatformAssemblies = new(ReadTrustedPlatformAssemblies);

    /// <summary>Whether the host provides the assembly with the simple name <paramref name="simpleName"/>.</summary>
    public static bool Provides(string simpleName) =>
        TrustedPlatformAssemblies.Value.Contains(simpleName)
        || AssemblyLoadContext.Default.Assemblies.Any(a => string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));

    private static HashSet<string> ReadTrustedPlatformAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        return names;
    }
}
