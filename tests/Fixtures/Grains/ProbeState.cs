namespace OrleansFlow.Tests.Fixtures.Grains;

/// <summary>A small persisted state for storage tests.</summary>
[GenerateSerializer]
[Alias("flow.tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public List<long> Values { get; set; } = [];
}
