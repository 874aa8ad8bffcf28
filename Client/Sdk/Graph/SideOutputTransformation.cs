namespace OrleansFlow.Graph;

/// <summary>A virtual node: the side output <see cref="Tag"/> of its input operator. Its edges are never chained.</summary>
internal sealed class SideOutputTransformation<T>(int id, Transformation producer, string tag)
    : Transformation<T>(id, $"Side output {tag}", [producer]), ISideOutput
{
    public string Tag { get; } = tag;

    public override bool IsVirtual => true;

    public override string Kind => "SideOutput";
}

/// <summary>The untyped view of a side-output node.</summary>
internal interface ISideOutput
{
    string Tag { get; }

    int Id { get; }
}
