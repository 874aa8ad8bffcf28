namespace OrleansFlow.Tests.Processes;

/// <summary>A <c>flow silo</c> process of a <see cref="ProcessCluster"/>.</summary>
internal sealed record SiloProcess(string Name, int SiloPort, int GatewayPort, FlowProcess Process)
{
    public bool Killed { get; set; }

    public override string ToString() => $"{Name} (pid {Process.Id}, silo port {SiloPort}, gateway {GatewayPort})";
}
