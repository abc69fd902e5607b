using TrainingPipeline.Results.Reading;

namespace TrainingPipeline.Results;

/// <summary>
/// Reads the runs, steps and evals tables of a results folder (docs/results-schema.md) with the schema's
/// deduplication rules: a run's current state is its latest row; for each (run_id, step) the step row with the
/// greatest <c>written_at</c> wins; for each (run_id, stage, step, eval_set, split, metric) likewise, so rows a resumed
/// run superseded are dropped. The stage is part of the evals key so that rows of the <c>eval</c> verb (stage
/// <c>eval</c>, possibly with other settings) sit beside the training stage's own rows and never replace them. Missing tables read as empty (a pipeline that has not evaluated yet). Counts (steps,
/// tokens, parameters) must be ≥ 0 and FLOPs finite and ≥ 0: anything else is a damaged file, named with its column and row.
/// </summary>
public static class ResultsReader
{
    public static ResultsDataset Read(string resultsDirectory)
    {
        if (!Directory.Exists(resultsDirectory))
            throw new BadInputException(resultsDirectory, "results folder", "does not exist",
                "pass the results folder a pipeline wrote (<out>/results)");
        return new ResultsDataset(resultsDirectory, ReadRuns(resultsDirectory), ReadSteps(resultsDirectory), ReadEvals(resultsDirectory));
    }

    public static IReadOnlyList<RunRow> ReadRuns(string resultsDirectory) =>
        [.. PartFileRows.Read(resultsDirectory, "runs")
            .Select(r => new RunRow(
                r.RunId,
                r.OptionalString("experiment") ?? "",
                r.Stage("stage"),
                r.OptionalString("parent_run_id"),
                r.OptionalString("config_json") ?? "{}",
                r.Values.ContainsKey("seed") ? r.Long("seed") : 0,
                r.Values.ContainsKey("params_total") ? r.Count("params_total") : 0,
                r.Count("params_non_embedding"),
                r.Status("status"),
                r.Timestamp("written_at"))
            {
                StartedAt = r.OptionalTimestamp("started_at"),
                EndedAt = r.OptionalTimestamp("ended_at"),
            })
            .GroupBy(r => r.RunId)
            .Select(g => g.MaxBy(r => r.WrittenAt)!)
            .OrderBy(r => r.RunId, StringComparer.Ordinal)];

    public static IReadOnlyList<StepRow> ReadSteps(string resultsDirectory) =>
        [.. PartFileRows.Read(resultsDirectory, "steps")
            .Select(r => new StepRow(
                r.RunId,
                r.Stage("stage"),
                r.Count("step"),
                r.Count("tokens"),
                r.Amount("flops"),
                r.Amount("run_flops"),
                r.OptionalDouble("loss"),
                r.Timestamp("written_at"))
            {
                WallSeconds = r.OptionalDouble("wall_seconds"),
                GroupsTrained = r.OptionalDouble("groups_trained"),
            })
            .GroupBy(s => (s.RunId, s.Step))
            .Select(g => g.MaxBy(s => s.WrittenAt)!)
            .OrderBy(s => s.RunId, StringComparer.Ordinal).ThenBy(s => s.Step)];

    public static IReadOnlyList<EvalRow> ReadEvals(string resultsDirectory) =>
        [.. PartFileRows.Read(resultsDirectory, "evals")
            .Select(r => new EvalRow(
                r.RunId,
                r.Stage("stage"),
                r.Count("step"),
                r.Amount("flops"),
                r.Amount("run_flops"),
                r.String("eval_set"),
                r.String("split"),
                r.String("metric"),
                r.Double("value"),
                r.Values.ContainsKey("n") ? r.Long("n") : 0,
                r.OptionalDouble("stderr"),
                r.Timestamp("written_at"))
            { Shots = (int)(r.OptionalLong("shots") ?? 0) })
            .GroupBy(e => (e.RunId, e.Stage, e.Step, e.EvalSet, e.Split, e.Metric, e.Shots))
            .Select(g => g.MaxBy(e => e.WrittenAt)!)
            .OrderBy(e => e.RunId, StringComparer.Ordinal).ThenBy(e => e.Step).ThenBy(e => e.EvalSet, StringComparer.Ordinal)];

    /// <summary>
    /// The contamination table: for each (run_id, stage, eval_set, split) the row with the greatest <c>written_at</c>
    /// (rows written before the <c>stage</c> column are the training stage's, <c>rl</c>). Empty for datasets written
    /// before schema version 2, which had no contamination check.
    /// </summary>
    public static IReadOnlyList<ContaminationRow> ReadContamination(string resultsDirectory) =>
        [.. PartFileRows.Read(resultsDirectory, ResultTables.Contamination)
            .Select(r => new ContaminationRow(r.RunId, r.String("eval_set"), r.String("split"), r.Count("eval_prompts"),
                r.Count("contaminated"), r.Timestamp("written_at"), r.OptionalString("stage") is null ? ContaminationRow.TrainingStage : r.Stage("stage")))
            .GroupBy(c => (c.RunId, c.Stage, c.EvalSet, c.Split))
            .Select(g => g.MaxBy(c => c.WrittenAt)!)
            .OrderBy(c => c.RunId, StringComparer.Ordinal).ThenBy(c => c.EvalSet, StringComparer.Ordinal)];
}

/// <summary>One row of the contamination table as the analysis reads it.</summary>
/// <param name="Stage">Whose evaluations were checked: <c>rl</c> (the RL stage's, written by <c>run</c>) or <c>eval</c>
/// (the <c>eval</c> verb's).</param>
public sealed record ContaminationRow(string RunId, string EvalSet, string Split, long EvalPrompts, long Contaminated, DateTime WrittenAt,
    RunStage Stage)
{
    /// <summary>A row of the training stage (as rows written before the <c>stage</c> column read).</summary>
    public ContaminationRow(string RunId, string EvalSet, string Split, long EvalPrompts, long Contaminated, DateTime WrittenAt)
        : this(RunId, EvalSet, Split, EvalPrompts, Contaminated, WrittenAt, TrainingStage)
    {
    }

    /// <summary>The stage of rows that check the training stage's own evaluations (and of rows without the column).</summary>
    public static RunStage TrainingStage => RunStage.Rl;
}
