namespace OrleansFlow.Keyed;

/// <summary>What a per-key grain does with a call (<see cref="KeyCallAdmission"/>).</summary>
internal enum Admission
{
    /// <summary>A call of an attempt older than the grain's: ignored, nothing emitted.</summary>
    Ignore,

    /// <summary>The call runs.</summary>
    Run,

    /// <summary>No seed, and the grain holds no live state of the call's attempt (a new activation: its silo died).</summary>
    Lost,

    /// <summary>
    /// No seed, and the call ran before: its subtask sent it again because its answer was reported lost. Running it
    /// again would apply its records twice, and what it emitted the first time is gone, so the attempt must restart.
    /// </summary>
    Repeated,
}

/// <summary>
/// Which attempt a per-key grain's live state belongs to, and the sequence number of the last call it ran. The keyed
/// subtask numbers its waves of calls (one call per key per wave, a call sent again keeps its number), so a call that
/// ran and whose answer was lost is recognised when it comes again. A seed replaces the live state, which makes a
/// seeded call safe to run again.
/// </summary>
internal sealed class KeyCallAdmission
{
    /// <summary>No attempt: the grain holds no live state.</summary>
    public const int NoAttempt = -1;

    /// <summary>The attempt whose live state the grain holds, or <see cref="NoAttempt"/>.</summary>
    public int Attempt { get; private set; } = NoAttempt;

    /// <summary>The sequence number of the last call that ran in <see cref="Attempt"/>.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Decides a call of <paramref name="attempt"/> numbered <paramref name="sequence"/>; a run call becomes the last one.</summary>
    public Admission Accept(int attempt, long sequence, bool seeded)
    {
        if (attempt < Attempt)
        {
            return Admission.Ignore;
        }

        if (!seeded)
        {
            if (attempt != Attempt)
            {
                return Admission.Lost;
            }

            if (sequence <= LastSequence)
            {
                return Admission.Repeated;
            }
        }

        Attempt = attempt;
        LastSequence = sequence;
        return Admission.Run;
    }

    /// <summary>Makes <paramref name="attempt"/> current (after a migration, or <see cref="NoAttempt"/> when passivated).</summary>
    public void Reset(int attempt, long lastSequence)
    {
        Attempt = attempt;
        LastSequence = lastSequence;
    }
}
