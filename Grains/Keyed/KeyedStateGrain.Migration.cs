using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;
using OrleansFlow.Keyed.Migration;
using OrleansFlow.State;

namespace OrleansFlow.Keyed;

/// <summary>
/// Live migration of a per-key grain (Orleans' activation rebalancer, or a silo that hands its keys off before it
/// stops): the activation carries its live state, timers and attempt to the new
/// silo, so the subtask's next call finds the attempt's live state there and the attempt goes on.
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

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_admission.Attempt == KeyCallAdmission.NoAttempt)
        {
            return; // nothing live to carry
        }

        dehydrationContext.TryAddValue(MigrationKey, new KeyedLiveState(Copy(), _admission.Attempt, _admission.LastSequence));
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (!rehydrationContext.TryGetValue<KeyedLiveState>(MigrationKey, out var live) || live is null)
        {
            return;
        }

        var timers = new Execution.KeyTimers();
        _store = KeyImage.Read(serializer, live.Image, timers);
        _timers = timers;
        _admission.Reset(live.Attempt, live.LastSequence);
    }
}
