namespace TrainingPipeline.Results.Reading;

/// <summary>The runs, steps and evals tables of one results folder, already deduplicated.</summary>
public sealed record ResultsDataset(
    string Directory,
    IReadOnlyList<RunRow> Runs,
    IReadOnlyList<StepRow> Steps,
    IReadOnlyList<EvalRow> Evals);
