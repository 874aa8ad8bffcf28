using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;
using OrleansFlow.Keyed.Migration;
using OrleansFlow.State;

namespace OrleansFlow.Keyed;

/// <summary>
/// Live migration of a per-key grain (Orleans' activation rebalancer, or a silo that hands its keys off before it
/// stops): the activation carries its live state, timers, attempt and the outcome of its snapshot writes to the new
/// silo, so the subtask sees no fresh activation and the attempt goes on. The version history does not travel: the
/// snapshot writes in flight finish before the activation is dehydrated (<see cref="OnDeactivateAsync"/>), so storage
/// holds all of it, and the new activation reads it on first need, as any activation does.
/// </summary>
internal sealed partial class KeyedStateGrain : IGrainMigrationParticipant
{
    private const string MigrationKey = "flow.keyed.live";

    /// <summary>
    /// On a draining silo (<see cref="Scale.SiloDrainState"/>) a new activation moves to another silo before its first
    /// call: the pending call follows it there. Otherwise the silo's stop would end it with the live state of the
    /// attempt that called it.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (ServiceProvider.GetService<Scale.SiloDrainState>()?.NextTarget() is { } target)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            this.MigrateOnIdle();
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.Migrating || _writes.Count == 0)
        {
            return;
        }

        // Let the snapshot writes in flight finish here, so that their outcome (size or failure) can be handed to the
        // new activation, where the subtask's AwaitSnapshotAsync for them will land.
        try
        {
            await Task.WhenAll(_writes.Values).WaitAsync(cancellationToken);
        }
        catch (Exception)
        {
            // Collected per write in OnDehydrate; a write still running when the wait was cancelled is reported as failed.
        }
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_attempt is null)
        {
            return; // never called: nothing live to carry
        }

        dehydrationContext.TryAddValue(MigrationKey, new KeyedLiveState(
            serializer.SerializeToArray(_store.Export(_timers)),
            _attempt,
            _fresh,
            SnapshotWriteOutcome.Of(_writes)));
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (!rehydrationContext.TryGetValue<KeyedLiveState>(MigrationKey, out var live) || live is null)
        {
            return;
        }

        var timers = new Execution.KeyTimers();
        _store = KeyedStateStore.Import(serializer.Deserialize<KeyStateImage>(live.Image)!, timers);
        _timers = timers;
        _attempt = live.Attempt;
        _fresh = live.Fresh;
        foreach (var outcome in live.Writes)
        {
            _writes[outcome.CheckpointId] = outcome.ToTask(this.GetPrimaryKeyString());
        }
    }
}
