using Microsoft.Extensions.Logging;

namespace OrleansFlow.Diagnostics;

/// <summary>Log messages of the channel protocol (repairs of batches the transport dropped), source-generated.</summary>
internal static partial class ChannelLog
{
    [LoggerMessage(OrleansFlowEventIds.ChannelGapRepaired, LogLevel.Warning,
        "Task {TaskKey}: the channel from vertex {SenderVertex} subtask {SenderSubtask} was missing batches {From} to {To} (the transport dropped them); {Fetched} fetched from the sender")]
    public static partial void GapRepaired(ILogger logger, string taskKey, int senderVertex, int senderSubtask, long from, long to, int fetched);

    [LoggerMessage(OrleansFlowEventIds.ChannelRepairFailed, LogLevel.Information,
        "Task {TaskKey}: fetching batches {From} to {To} of the channel from vertex {SenderVertex} subtask {SenderSubtask} failed; the sender's next probe tries again")]
    public static partial void RepairFailed(ILogger logger, Exception exception, string taskKey, int senderVertex, int senderSubtask, long from, long to);

    [LoggerMessage(OrleansFlowEventIds.ChannelDuplicateDropped, LogLevel.Debug,
        "Task {TaskKey}: dropped batch {Sequence} of the channel from vertex {SenderVertex} subtask {SenderSubtask}, which had arrived before")]
    public static partial void DuplicateDropped(ILogger logger, string taskKey, int senderVertex, int senderSubtask, long sequence);

    [LoggerMessage(OrleansFlowEventIds.ChannelProbeFailed, LogLevel.Debug,
        "Task {TaskKey}: probing the channel to vertex {TargetVertex} subtask {TargetSubtask} failed (the receiver may be busy); probing again later")]
    public static partial void ProbeFailed(ILogger logger, Exception exception, string taskKey, int targetVertex, int targetSubtask);

    [LoggerMessage(OrleansFlowEventIds.ChannelGrantFailed, LogLevel.Debug,
        "Task {TaskKey}: returning credit to vertex {SenderVertex} subtask {SenderSubtask} failed; a later grant or probe covers it")]
    public static partial void GrantFailed(ILogger logger, Exception exception, string taskKey, int senderVertex, int senderSubtask);

    [LoggerMessage(OrleansFlowEventIds.ChannelReplayRefused, LogLevel.Warning,
        "Task {TaskKey}: vertex {TargetVertex} subtask {TargetSubtask} asked again for batches {From} to {To} of its channel, which it had reported processed; they are no longer held")]
    public static partial void ReplayRefused(ILogger logger, string taskKey, int targetVertex, int targetSubtask, long from, long to);

    [LoggerMessage(OrleansFlowEventIds.ChannelReplayNotDeployed, LogLevel.Warning,
        "Task {TaskKey}: vertex {TargetVertex} subtask {TargetSubtask} asked for batches {From} to {To} of its channel, but this activation never ran the attempt (the task that sent them is gone)")]
    public static partial void ReplayNotDeployed(ILogger logger, string taskKey, int targetVertex, int targetSubtask, long from, long to);
}
