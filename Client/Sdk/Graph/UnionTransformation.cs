namespace OrleansFlow.Graph;

/// <summary>A virtual node merging streams of one type.</summary>
internal sealed class UnionTransformation<T>(int id, IReadOnlyList<Transformation> inputs)
    : Transformation<T>(id, "Union", inputs)
{
    public override bool IsVirtual => true;

    public override string Kind => "Union";
}
