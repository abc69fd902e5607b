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
    DateTime WrittenAt)
{
    /// <summary>When the run first started (<c>started_at</c>); null when the column is absent.</summary>
    public DateTime? StartedAt { get; init; }

    /// <summary>When it completed or failed (<c>ended_at</c>); null while it runs or when the column is absent.</summary>
    public DateTime? EndedAt { get; init; }
}
