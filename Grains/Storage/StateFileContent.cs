namespace OrleansFlow.Storage;

/// <summary>What one state file holds: the ETag of the write, the identity it belongs to and the serialized state.</summary>
internal sealed record StateFileContent(string ETag, string StateName, string GrainId, ReadOnlyMemory<byte> Payload);
