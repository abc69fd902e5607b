using TrainingPipeline.Config;
using TrainingPipeline.Results;

namespace TrainingPipeline.Pipeline;

/// <summary>
/// Matches a plan to the runs already stored in a results folder and checkpoint folder, across identity versions
/// (docs/results-schema.md, "Run identity"). A run stored under its identity-version-0 id (written before the
/// identity schema existed) and not under its current id keeps the old id: it is skipped when completed and resumed
/// from its checkpoint otherwise, and its children name it as their parent. So a user who upgrades mid-sweep neither
/// retrains finished runs nor gets one run under two ids; a run stored under both ids is refused.
/// </summary>
public static class StoredRunIds
{
    /// <summary>Whether a run has rows in the results folder's runs table or a folder beside its checkpoints.</summary>
    public static Func<string, bool> InFolders(string resultsRoot, string models, string experiment) => id =>
        Directory.Exists(ResultsWriter.PartitionFolder(resultsRoot, ResultTables.Runs, id))
        || Directory.Exists(Path.Combine(models, experiment, id));

    public static RunPlan Bind(RunPlan plan, RunEnvironment env) =>
        Bind(plan, InFolders(env.ResultsRoot, env.Models, plan.Experiment), env.Output);

    /// <summary>
    /// The plan with each run's id replaced by the id it is stored under (<paramref name="isStored"/>). Idempotent.
    /// Throws <see cref="BadInputException"/> (naming <paramref name="where"/>) when a run is stored under both ids.
    /// </summary>
    public static RunPlan Bind(RunPlan plan, Func<string, bool> isStored, string where)
    {
        var boundIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new List<PlannedRun>(plan.Runs.Count);
        foreach (var run in plan.Runs)
        {
            string current = run.IdentityId;
            bool legacy = run.LegacyId is { } old && old != current && isStored(old);
            if (legacy && isStored(current))
                throw new BadInputException(where, $"run {current}",
                    $"this {run.Stage} run is stored twice: under its id {current} and under {run.LegacyId}, the id an earlier " +
                    "version of the tool gave it (identity version 0); its results would count twice",
                    $"keep one copy: delete results/*/run_id={current}/ and models/{plan.Experiment}/{current}/ (or the same for " +
                    $"{run.LegacyId}), or start a new --out");
            string id = legacy ? run.LegacyId! : current;
            string? parent = run.ParentId is { } p ? boundIds.GetValueOrDefault(p, p) : null;
            boundIds[run.Id] = id;
            runs.Add(run with { Id = id, ParentId = parent });
        }
        return plan with { Runs = runs };
    }
}
