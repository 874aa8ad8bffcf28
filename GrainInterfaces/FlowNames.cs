namespace OrleansFlow;

/// <summary>Names shared by silos and clients: providers, stream namespaces and grain-key separators.</summary>
public static class FlowNames
{
    /// <summary>The stream provider that carries operator channels.</summary>
    public const string ChannelStreamProvider = "flow-channels";

    /// <summary>The stream namespace of operator input channels; the stream key is the consuming task grain's key.</summary>
    public const string ChannelNamespace = "flow.channel";

    /// <summary>The grain storage provider for checkpoints and job metadata (a name, never a backend).</summary>
    public const string CheckpointStorage = "flow-checkpoints";

    /// <summary>The grain storage provider for uploaded job artifacts (a name, never a backend).</summary>
    public const string ArtifactStorage = "flow-artifacts";

    /// <summary>
    /// The grain directory that Redis-clustered silos use for job managers and checkpoint coordinators (a name, never a
    /// backend): one that keeps its entries outside the silos, so a silo's death cannot leave a second activation.
    /// </summary>
    public const string JobDirectory = "flow-jobs";

    /// <summary>The grain storage provider Orleans streaming uses for its pub-sub table.</summary>
    public const string PubSubStorage = "PubSubStore";
}
