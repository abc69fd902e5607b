using TrainingPipeline.Config;
using TrainingPipeline.RL;

namespace TrainingPipeline.Evaluation;

/// <summary>
/// Explicit overrides of a run's own task-evaluation settings (the <c>eval</c> verb's options); null keeps the run's.
/// <paramref name="MorePassK"/> adds pass@k rows beside the run's own k; <paramref name="ProblemSide"/> and
/// <paramref name="Shots"/> have no counterpart in a run's settings (its evaluations are zero-shot, on eval-split
/// problems).
/// </summary>
public sealed record TaskEvalOverrides(int? Problems = null, int? Difficulty = null, int? Samples = null, int? PassK = null,
    int? MaxNewTokens = null, double? Temperature = null, IReadOnlyList<int>? MorePassK = null,
    Tasks.ProblemSplit ProblemSide = Tasks.ProblemSplit.Eval, int Shots = 0)
{
    public TaskEvalOptions ApplyTo(TaskEvalOptions options) => options with
    {
        Problems = Problems ?? options.Problems,
        Difficulty = Difficulty ?? options.Difficulty,
        Samples = Samples ?? options.Samples,
        PassK = PassK ?? options.PassK,
        MaxNewTokens = MaxNewTokens ?? options.MaxNewTokens,
        Temperature = Temperature ?? options.Temperature,
        MorePassK = MorePassK ?? options.MorePassK,
        ProblemSide = ProblemSide,
        Shots = Shots,
    };
}

/// <summary>
/// How a planned run's checkpoint is evaluated on task families outside the RL stage (the <c>eval</c> verb): exactly as
/// the RL stage evaluates (<see cref="RlStage.EvalOptions"/>: its temperature, completion limit, difficulty, samples per
/// problem, pass@k, eval problems and the run's seed), so that <c>eval</c> on a finished RL run reproduces the run's
/// final evaluation, and <c>eval</c> on the last pre-training phase reproduces its RL child's step-0 evaluation.
/// </summary>
public static class RunEvalSettings
{
    /// <summary>
    /// The rl section whose evaluation settings a run follows: an RL run's own (resolved, so sweeps over rl settings are
    /// honoured); for a pre-training run, that of the first RL run descending from it, else the pipeline's; null when the
    /// pipeline has no RL stage.
    /// </summary>
    public static RlSection? RlSectionOf(RunPlan plan, PlannedRun run)
    {
        if (run.Rl is { } own) return own.Rl;
        var byId = plan.Runs.ToDictionary(r => r.Id);
        bool DescendsFrom(PlannedRun candidate)
        {
            for (var parent = candidate.ParentId; parent is not null; parent = byId.TryGetValue(parent, out var p) ? p.ParentId : null)
                if (parent == run.Id) return true;
            return false;
        }
        return plan.Runs.FirstOrDefault(r => r.Rl is not null && DescendsFrom(r))?.Rl!.Rl ?? plan.Spec.Rl;
    }

    /// <summary>The run's seed: the one its RL evaluations derive their problem order and sampling generator from.</summary>
    public static long SeedOf(PlannedRun run) => run.Config.Seed;

    /// <summary>The run's evaluation options (the rl section's defaults when the pipeline has no RL stage), then the overrides.</summary>
    public static TaskEvalOptions For(RunPlan plan, PlannedRun run, TaskEvalOverrides overrides) =>
        overrides.ApplyTo(RlStage.EvalOptions(RlSectionOf(plan, run) ?? new RlSection(new Dictionary<string, double>()), SeedOf(run)));
}
