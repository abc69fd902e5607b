namespace TrainingPipeline.Results.Reading;

/// <summary>The current state of a run: its row in <c>runs</c> with the greatest <c>written_at</c>.</summary>
public sealed record RunRow(
    string RunId,
    string Experiment,
    RunStage Stage,
    string? ParentRunId,
    string ConfigJson,
    long Seed,
    long ParamsTotal,
    long ParamsNonEmbedding,
    RunStatus Status,
    DateTime WrittenAt);
