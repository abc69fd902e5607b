using TrainingPipeline.Config;
using TrainingPipeline.Data;
using TrainingPipeline.Results;
using TrainingPipeline.RL;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Evaluation;

/// <summary>
/// The <c>split</c> of a task family evaluated on a run, from what that run's own lineage trained on (not from the
/// spec's lists alone: in a sweep, lineages differ). The RL stage, the <c>eval</c> verb and the contamination check all
/// label through here, so a family has one label per run and difficulty (docs/results-schema.md, evals).
/// </summary>
public static class EvalSplits
{
    /// <summary>
    /// The families whose problems the pre-training phases of the run's chain contain (the run itself when it is a
    /// pre-training phase, and its ancestors): <c>task:</c> domains at any difficulty and generated domains that render
    /// a family (<see cref="DomainRegistry.RenderedFamilies"/>).
    /// </summary>
    public static IReadOnlySet<string> PretrainedFamilies(RunPlan plan, PlannedRun run)
    {
        var byId = plan.Runs.ToDictionary(r => r.Id);
        var mixtures = new List<IReadOnlyDictionary<string, double>>();
        for (PlannedRun? r = run; r is not null; r = r.ParentId is { } parent && byId.TryGetValue(parent, out var p) ? p : null)
            if (r.Pretrain is { } pretrain) mixtures.Add(pretrain.Mixture);
        return PretrainedFamilies(mixtures);
    }

    /// <summary>The families that any domain of these pre-training mixtures renders.</summary>
    public static IReadOnlySet<string> PretrainedFamilies(IEnumerable<IReadOnlyDictionary<string, double>> mixtures) =>
        mixtures.SelectMany(m => m.Keys).SelectMany(DomainRegistry.RenderedFamilies).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// <c>held_out</c> when the rl section declares the family held out (the validator keeps it out of every corpus);
    /// <c>in_distribution</c> when RL rewards it at the evaluated difficulty; <c>other_difficulty</c> when RL rewards it
    /// only at other difficulties; <c>unrewarded</c> when the run's pre-training lineage contains it and RL does not
    /// reward it; <c>untrained</c> when neither does. <paramref name="rl"/> is the rl section the run follows (for a
    /// pre-training phase, its RL child's, as the child's step-0 evaluation labels it); null when there is none.
    /// </summary>
    public static string Of(ITaskFamily family, int difficulty, RlSection? rl, IReadOnlySet<string> pretrained)
    {
        if (rl?.HeldOutTasks?.Contains(family.Name) == true) return ResultTables.HeldOut;
        if (rl is not null && TaskMixture.Expand(rl.Tasks, rl.HeldOutTasks).ContainsKey(family.Name))
            return RewardedDifficulties(rl, family.MaxDifficulty).Contains(Math.Min(difficulty, family.MaxDifficulty))
                ? ResultTables.InDistribution : ResultTables.OtherDifficulty;
        return pretrained.Contains(family.Name) ? ResultTables.Unrewarded : ResultTables.Untrained;
    }

    /// <summary>The difficulties RL trains a family at over steps 1…steps (<c>difficulty</c>, then the schedule's levels).</summary>
    public static IReadOnlySet<int> RewardedDifficulties(RlSection rl, int maxDifficulty)
    {
        // The level changes only at schedule points, so step 1 and each point within the run cover every step.
        var steps = new[] { 1 }.Concat((rl.DifficultySchedule ?? []).Select(p => p.Step).Where(s => s > 1 && s <= rl.Steps));
        return steps.Select(s => Math.Min(TaskMixture.DifficultyAt(rl, s), maxDifficulty)).ToHashSet();
    }
}
