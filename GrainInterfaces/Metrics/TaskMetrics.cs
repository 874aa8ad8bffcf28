namespace OrleansFlow.Metrics;

/// <summary>
/// Counters of one subtask, as Flink's task metrics: records in and out since the attempt started, the watermark it
/// holds, and back-pressure (time its output waited for the receivers' credits, and the batches in flight to them).
/// </summary>
/// <param name="VertexId">The vertex (operator chain).</param>
/// <param name="Subtask">The subtask index.</param>
/// <param name="RecordsIn">Records taken from input channels (a source counts the records it read).</param>
/// <param name="RecordsOut">Records sent to output channels (a sink sends none).</param>
/// <param name="Watermark">The subtask's current watermark (its input watermark; a source's, the one it emitted), or null before the first.</param>
/// <param name="BackPressuredMs">Milliseconds its output spent waiting for credits since the attempt started.</param>
/// <param name="OutputBatchesInFlight">Batches sent that the receivers have not finished yet (the output queue).</param>
/// <param name="HeldInputBatches">Input batches held behind a checkpoint barrier (alignment).</param>
/// <param name="Finished">Whether it reached the end of its input.</param>
/// <param name="Silo">The silo that runs it.</param>
/// <param name="Keys">A keyed subtask's keys with state (live in their grains, or held as copies).</param>
/// <param name="ResidentKeys">A keyed subtask's keys whose per-key grains hold live state.</param>
/// <param name="Passivations">How many times a keyed subtask passivated an idle key since the attempt started.</param>
/// <param name="SourcePosition">A source subtask's reader position (what a checkpoint records), or null.</param>
[GenerateSerializer, Immutable, Alias("flow.TaskMetrics")]
public sealed record TaskMetrics(
    [property: Id(0)] int VertexId,
    [property: Id(1)] int Subtask,
    [property: Id(2)] long RecordsIn,
    [property: Id(3)] long RecordsOut,
    [property: Id(4)] long? Watermark,
    [property: Id(5)] long BackPressuredMs,
    [property: Id(6)] int OutputBatchesInFlight,
    [property: Id(7)] int HeldInputBatches,
    [property: Id(8)] bool Finished,
    [property: Id(9)] string Silo,
    [property: Id(10)] int Keys = 0,
    [property: Id(11)] int ResidentKeys = 0,
    [property: Id(12)] long Passivations = 0,
    [property: Id(13)] long? SourcePosition = null);
