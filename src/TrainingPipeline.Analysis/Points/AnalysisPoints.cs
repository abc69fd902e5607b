using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Points;

/// <summary>Everything the analysis stage fits or plots, taken from one results dataset.</summary>
public sealed record AnalysisPoints(
    IReadOnlyList<LawPoint> Pretrain,
    IReadOnlyList<LossCurvePoint> LossCurves,
    IReadOnlyDictionary<string, IReadOnlyList<LawPoint>> RlGroups,
    IReadOnlyList<RlHeldOutPoint> RlHeldOut,
    IReadOnlyList<RlRunSummary> RlRuns,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Pre-training points whose loss averages over other eval sets than <see cref="Pretrain"/>'s (the largest such
    /// group), keyed by their fit group name: each is fitted as a law of its own, never pooled with another.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LawPoint>> PretrainOtherEvalSets { get; init; } =
        new Dictionary<string, IReadOnlyList<LawPoint>>();

    /// <summary>
    /// Per RL group (the keys of <see cref="RlGroups"/>): its runs' step-0 pass@1 evaluations, at zero RL compute and so
    /// not in the group's points; rl-sigmoid measures its floor R0 from them instead of fitting it.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LawPoint>> RlStepZero { get; init; } =
        new Dictionary<string, IReadOnlyList<LawPoint>>();

    /// <summary>Per completed RL run: the suffix naming its cohort in group names (empty when all runs are one cohort).</summary>
    public IReadOnlyDictionary<string, string> RlCohortOf { get; init; } = new Dictionary<string, string>();
}
