using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Points;

/// <summary>Everything the analysis stage fits or plots, taken from one results dataset.</summary>
public sealed record AnalysisPoints(
    IReadOnlyList<LawPoint> Pretrain,
    IReadOnlyList<LossCurvePoint> LossCurves,
    IReadOnlyDictionary<string, IReadOnlyList<LawPoint>> RlGroups,
    IReadOnlyList<RlHeldOutPoint> RlHeldOut,
    IReadOnlyList<RlRunSummary> RlRuns,
    IReadOnlyList<string> Notes);
