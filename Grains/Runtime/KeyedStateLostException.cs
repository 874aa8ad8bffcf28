namespace OrleansFlow.Runtime;

/// <summary>A per-key grain lost its live state, or the answer of a call, during an attempt (its silo died or stopped); the attempt must restart from a checkpoint.</summary>
internal sealed class KeyedStateLostException(string message) : Exception(message)
{
    /// <summary>The failure for a key of an operator.</summary>
    public static KeyedStateLostException For(string keyText, string operatorName) =>
        new($"The state of key '{keyText}' of operator '{operatorName}' was lost (its grain was activated again during the attempt, as after a silo crash).");

    /// <summary>The failure for a call of a key that ran, whose answer (what it emitted) was lost on the way back.</summary>
    public static KeyedStateLostException AnswerLost(string keyText, string operatorName) =>
        new($"The answer of a call of key '{keyText}' of operator '{operatorName}' was lost after the call ran (its silo stopped before the answer arrived); what it emitted is gone.");
}
