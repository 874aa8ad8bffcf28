namespace OrleansFlow.Runtime;

/// <summary>A per-key grain lost its live state during an attempt (its silo died); the attempt must restart from a checkpoint.</summary>
internal sealed class KeyedStateLostException(string message) : Exception(message)
{
    /// <summary>The failure for a key of an operator.</summary>
    public static KeyedStateLostException For(string keyText, string operatorName) =>
        new($"The state of key '{keyText}' of operator '{operatorName}' was lost (its grain was activated again during the attempt, as after a silo crash).");
}
