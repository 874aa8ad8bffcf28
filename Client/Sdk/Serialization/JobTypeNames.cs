using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using Orleans.Serialization.TypeSystem;
using OrleansFlow.Artifacts;

namespace OrleansFlow.Serialization;

/// <summary>
/// Names of types that involve a job artifact's assemblies (a record type, an array of it, a generic over it), in
/// Orleans' runtime type-name syntax with each artifact assembly written as <c>{name}.flowjob-{artifact id}</c>.
/// Two builds of one assembly have identical type names; the artifact id tells them apart, on every silo.
/// </summary>
internal static class JobTypeNames
{
    /// <summary>What separates an assembly's name from its artifact id.</summary>
    public const string Marker = ".flowjob-";

    private static readonly Assembly CoreLibrary = typeof(object).Assembly;

    /// <summary>Whether <paramref name="type"/> involves an artifact's assembly (itself, its elements or type arguments).</summary>
    public static bool Involves(Type type)
    {
        if (type.HasElementType)
        {
            return Involves(type.GetElementType()!);
        }

        return JobArtifacts.Of(type.Assembly) is not null
            || (type.IsConstructedGenericType && type.GenericTypeArguments.Any(Involves));
    }

    /// <summary>The name of <paramref name="type"/> when it involves an artifact; null otherwise.</summary>
    public static string? TryFormat(Type type)
    {
        if (!Involves(type))
        {
            return null;
        }

        var builder = new StringBuilder();
        Format(builder, type, isElementType: false);
        return builder.ToString();
    }

    /// <summary>Whether <paramref name="assemblyName"/> names an artifact's assembly.</summary>
    public static bool IsArtifactAssembly(string? assemblyName) =>
        assemblyName is not null && assemblyName.Contains(Marker, StringComparison.Ordinal);

    /// <summary>
    /// Resolves a name <see cref="TryFormat"/> wrote; <paramref name="find"/> gives the loaded artifact of an id (null
    /// when it cannot be had). False for names of no artifact, and for artifacts or types that cannot be found.
    /// </summary>
    public static bool TryParse(string name, Func<string, LoadedArtifact?> find, [NotNullWhen(true)] out Type? type)
    {
        type = null;
        if (!name.Contains(Marker, StringComparison.Ordinal))
        {
            return false;
        }

        type = Resolve(RuntimeTypeNameParser.Parse(name), assembly: null, find);
        return type is not null;
    }

    private static Type? Resolve(TypeSpec spec, string? assembly, Func<string, LoadedArtifact?> find) => spec switch
    {
        AssemblyQualifiedTypeSpec qualified => Resolve(qualified.Type, qualified.Assembly, find),
        ArrayTypeSpec array => Resolve(array.ElementType, assembly, find) is { } element
            ? array.Dimensions == 1 ? element.MakeArrayType() : element.MakeArrayType(array.Dimensions)
            : null,
        ConstructedGenericTypeSpec generic => ResolveGeneric(generic, assembly, find),
        NamedTypeSpec named => ResolveNamed(named.Format(), assembly, find),
        _ => null,
    };

    private static Type? ResolveGeneric(ConstructedGenericTypeSpec generic, string? assembly, Func<string, LoadedArtifact?> find)
    {
        var definition = Resolve(generic.UnconstructedType, assembly, find);
        var arguments = new Type[generic.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (Resolve(generic.Arguments[i], assembly: null, find) is not { } argument)
            {
                return null;
            }

            arguments[i] = argument;
        }

        return definition?.MakeGenericType(arguments);
    }

    private static Type? ResolveNamed(string fullName, string? assembly, Func<string, LoadedArtifact?> find)
    {
        if (assembly is null)
        {
            return CoreLibrary.GetType(fullName, throwOnError: false);
        }

        var marker = assembly.LastIndexOf(Marker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return Type.GetType($"{fullName}, {assembly}", throwOnError: false);
        }

        var artifact = find(assembly[(marker + Marker.Length)..]);
        return artifact?.FindAssembly(assembly[..marker])?.GetType(fullName, throwOnError: false);
    }

    private static void Format(StringBuilder builder, Type type, bool isElementType)
    {
        if (type.HasElementType)
        {
            Format(builder, type.GetElementType()!, isElementType: true);
            if (type.IsArray)
            {
                builder.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            }
        }
        else
        {
            if (!string.IsNullOrEmpty(type.Namespace))
            {
                builder.Append(type.Namespace).Append('.');
            }

            AppendClassName(builder, type);
            if (type.IsConstructedGenericType)
            {
                builder.Append('[');
                var arguments = type.GenericTypeArguments;
                for (var i = 0; i < arguments.Length; i++)
                {
                    builder.Append(i > 0 ? ",[" : "[");
                    Format(builder, arguments[i], isElementType: false);
                    builder.Append(']');
                }

                builder.Append(']');
            }
        }

        if (!isElementType && type.Assembly != CoreLibrary)
        {
            builder.Append(',').Append(type.Assembly.GetName().Name);
            if (JobArtifacts.Of(type.Assembly) is { } artifact)
            {
                builder.Append(Marker).Append(artifact.Id);
            }
        }
    }

    private static void AppendClassName(StringBuilder builder, Type type)
    {
        if (type.IsNested)
        {
            AppendClassName(builder, type.DeclaringType!);
            builder.Append('+');
        }

        var name = type.Name.AsSpan();
        var end = name.IndexOfAny("`*[&");
        builder.Append(end > 0 ? name[..end] : name);
        var arity = type.GetGenericArguments().Length - (type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0);
        if (type.IsGenericType && arity > 0)
        {
            builder.Append('`').Append(arity);
        }
    }
}
