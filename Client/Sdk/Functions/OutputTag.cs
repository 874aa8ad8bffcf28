namespace OrleansFlow.Functions;

/// <summary>
/// Names a side output: a second stream an operator can emit to (late window data, tagged records).
/// Tags are equal when their ids are; read one with <c>DataStream.GetSideOutput(tag)</c>.
/// </summary>
/// <typeparam name="T">Element type of the side output.</typeparam>
public sealed class OutputTag<T>
{
    /// <summary>Creates a tag; the id must be unique within the job.</summary>
    public OutputTag(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
    }

    /// <summary>The tag's id.</summary>
    public string Id { get; }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutputTag<T> other && other.Id == Id;

    /// <inheritdoc />
    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"OutputTag<{typeof(T).Name}>({Id})";
}
