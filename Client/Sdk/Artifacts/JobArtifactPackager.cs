using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;

namespace OrleansFlow.Artifacts;

/// <summary>
/// Packs a job assembly file and its private dependencies (the assemblies next to it that it needs and the host does
/// not provide) into a <see cref="JobArtifact"/>, reading references from metadata without loading anything.
/// </summary>
internal static class JobArtifactPackager
{
    /// <summary>
    /// The simple names of every assembly the file references, directly or through the assemblies next to it: what
    /// to ask a cluster about before <see cref="Package"/>.
    /// </summary>
    public static IReadOnlyCollection<string> ReferencedNames(string path)
    {
        var (full, main) = ReadMain(path);
        var directory = Path.GetDirectoryName(full)!;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { main.Name };
        var queue = new Queue<AssemblyInfo>([main]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var reference in current.References)
            {
                if (names.Add(reference.Name) && TryRead(Path.Combine(directory, reference.Name + ".dll")) is { } next)
                {
                    queue.Enqueue(next);
                }
            }
        }

        return names;
    }

    /// <summary>
    /// The artifact of the job assembly at <paramref name="path"/>: it and every assembly it needs that
    /// <paramref name="hostProvides"/> does not, found next to it. A file that is not a .NET assembly, or a needed
    /// assembly that is neither there nor provided, throws a <see cref="JobArtifactException"/> naming it.
    /// </summary>
    public static JobArtifact Package(string path, Func<string, bool> hostProvides)
    {
        ArgumentNullException.ThrowIfNull(hostProvides);
        var (full, main) = ReadMain(path);
        var directory = Path.GetDirectoryName(full)!;
        var included = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [main.Name] = full };
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<AssemblyInfo>([main]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var reference in current.References)
            {
                if (included.ContainsKey(reference.Name) || hostProvides(reference.Name))
                {
                    continue;
                }

                var candidate = Path.Combine(directory, reference.Name + ".dll");
                if (TryRead(candidate) is { } dependency)
                {
                    included[reference.Name] = candidate;
                    queue.Enqueue(dependency);
                }
                else
                {
                    missing.Add($"{reference.FullName} (needed by {current.Name})");
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new JobArtifactException(
                $"'{path}' needs assemblies that are neither next to it nor provided by OrleansFlow: {string.Join("; ", missing)}. " +
                "Build the job project so that its private dependencies are copied to its output directory.");
        }

        var files = included.Values
            .Select(file => new JobArtifactFile(Path.GetFileName(file), File.ReadAllBytes(file)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();
        return new JobArtifact(ContentId(main.Name, files), main.Name, files);
    }

    /// <summary>The content hash of an artifact: SHA-256 over the main assembly's name and each file's name, length and bytes, first 128 bits in hex.</summary>
    public static string ContentId(string mainAssembly, IReadOnlyList<JobArtifactFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(mainAssembly + "\n"));
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{file.Name}\n{file.Content.Length}\n"));
            hash.AppendData(file.Content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static (string FullPath, AssemblyInfo Main) ReadMain(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new JobArtifactException($"job assembly '{path}' does not exist");
        }

        return (full, TryRead(full) ?? throw new JobArtifactException($"'{path}' is not a .NET assembly"));
    }

    private static AssemblyInfo? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return null;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return null;
            }

            var references = reader.AssemblyReferences
                .Select(handle => reader.GetAssemblyReference(handle).GetAssemblyName())
                .Where(name => name.Name is not null)
                .Select(name => (name.Name!, name.FullName))
                .ToArray();
            return new AssemblyInfo(reader.GetString(reader.GetAssemblyDefinition().Name), references);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }

    private sealed record AssemblyInfo(string Name, (string Name, string FullName)[] References);
}
