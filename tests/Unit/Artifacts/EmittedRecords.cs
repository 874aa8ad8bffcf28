using System.Reflection;
using System.Reflection.Emit;
using OrleansFlow.Artifacts;

namespace OrleansFlow.Tests.Unit.Artifacts;

/// <summary>
/// Job artifacts made in memory: an assembly with a record type <c>Demo.Reading</c> (public fields, no Orleans
/// attributes), in versions that share the assembly and type names but not their code.
/// </summary>
internal static class EmittedRecords
{
    public const string TypeName = "Demo.Reading";

    /// <summary>An artifact whose assembly <paramref name="assemblyName"/> has <c>Demo.Reading</c> with Sensor, Value and, from version 2 on, Extra.</summary>
    public static JobArtifact Artifact(string assemblyName, int version)
    {
        var builder = new PersistedAssemblyBuilder(new AssemblyName(assemblyName) { Version = new Version(version, 0) }, typeof(object).Assembly);
        var module = builder.DefineDynamicModule(assemblyName);
        var type = module.DefineType(TypeName, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
        type.DefineField("Sensor", typeof(string), FieldAttributes.Public);
        type.DefineField("Value", typeof(long), FieldAttributes.Public);
        if (version >= 2)
        {
            type.DefineField("Extra", typeof(long), FieldAttributes.Public);
        }

        type.DefineDefaultConstructor(MethodAttributes.Public);
        type.CreateType();
        using var stream = new MemoryStream();
        builder.Save(stream);
        JobArtifactFile[] files = [new($"{assemblyName}.dll", stream.ToArray())];
        return new JobArtifact(JobArtifactPackager.ContentId(assemblyName, files), assemblyName, files);
    }

    /// <summary>A <c>Demo.Reading</c> of <paramref name="type"/> with the given field values.</summary>
    public static object Reading(Type type, string sensor, long value, long extra = 0)
    {
        var reading = Activator.CreateInstance(type)!;
        type.GetField("Sensor")!.SetValue(reading, sensor);
        type.GetField("Value")!.SetValue(reading, value);
        type.GetField("Extra")?.SetValue(reading, extra);
        return reading;
    }

    public static (string? Sensor, long Value, long? Extra) Fields(object reading)
    {
        var type = reading.GetType();
        return ((string?)type.GetField("Sensor")!.GetValue(reading), (long)type.GetField("Value")!.GetValue(reading)!, (long?)type.GetField("Extra")?.GetValue(reading));
    }
}
