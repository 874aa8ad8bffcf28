namespace OrleansFlow.Runtime;

/// <summary>A per-key grain lost its live state during an attempt (its silo died); the attempt must restart from a checkpoint.</summary>
internal sealed class KeyedStateLostException(string message) : Exception(message);
