namespace TrainingPipeline.Analysis.Points;

/// <summary>
/// An RL run's final-step pass@1, averaged over eval sets, per split, with the run's breadth (null when its config
/// names none), the breadth of the pre-training corpus it started from (<c>corpus_breadth</c>, null when absent) and
/// its RL compute.
/// </summary>
public sealed record RlRunSummary(string RunId, int? Breadth, double RunFlops, double InDistribution, double HeldOut,
    int? PretrainBreadth = null);
