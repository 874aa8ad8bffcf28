namespace OrleansFlow.Checkpointing;

/// <summary>
/// Persisted state that at most one activation may drive (the job manager's, the checkpoint coordinator's): it
/// records which activation wrote it last, so a version conflict can tell "our own earlier write reached storage"
/// from "another activation has taken over" (see <see cref="FencedStateWrites"/>).
/// </summary>
internal interface IFencedState
{
    /// <summary>The activation that wrote the state last (a token each activation makes for itself), or null.</summary>
    string? Writer { get; set; }
}
