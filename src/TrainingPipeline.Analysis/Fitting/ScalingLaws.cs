using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>What a law is fitted to. <c>Pretraining</c>: final loss against N, D and C, per evaluation set;
/// <c>Rl</c>: pass@1 against RL compute, per RL group.</summary>
public enum LawKind
{
    Pretraining,
    Rl,
}

/// <summary>
/// Everything the analysis stage, the report, the plots and <c>analyze fit</c> need to know about a law.
/// <paramref name="Create"/> builds it with an initialization grid (null = the law's default);
/// <paramref name="StageGrid"/> picks the grid the analysis stage passes; <paramref name="CoarseGrid"/> is
/// <c>analyze fit --init-grid coarse</c>'s; <paramref name="PointsFromTable"/> reads an external table
/// (<see cref="LawPointsFromTable"/>); <paramref name="AlongCompute"/> is the curve the plots draw against compute,
/// labelled <paramref name="CurveLabel"/>; <paramref name="ExtraFigures"/> are figures of the law's own, if any;
/// <paramref name="StagePoints"/> picks, from a sweep's points, the ones the analysis stage fits (null = all of them).
/// </summary>
public sealed record ScalingLawDefinition(
    string Name,
    LawKind Kind,
    Func<InitializationGrid?, IScalingLaw> Create,
    Func<NumericTable, ColumnMapping, string, IReadOnlyList<LawPoint>> PointsFromTable,
    Func<LawFit, double, double> AlongCompute,
    string CurveLabel,
    Func<AnalysisOptions, InitializationGrid?>? StageGrid = null,
    InitializationGrid? CoarseGrid = null,
    Func<FittedLaw, IReadOnlyList<LawPoint>, IReadOnlyList<Reporting.ReportFigure>>? ExtraFigures = null,
    Func<IReadOnlyList<LawPoint>, IReadOnlyList<LawPoint>>? StagePoints = null)
{
    public IScalingLaw CreateFor(AnalysisOptions options) => Create(StageGrid?.Invoke(options));

    public IReadOnlyList<LawPoint> SelectStagePoints(IReadOnlyList<LawPoint> points) => StagePoints?.Invoke(points) ?? points;
}

/// <summary>
/// The one registry of scaling laws, in fitting and reporting order. Adding a law = its <see cref="IScalingLaw"/> in
/// one file and one entry here (docs/extending.md); the stage fits it, the report and plots show it, and
/// <c>analyze fit --law</c> accepts it.
/// </summary>
public static class ScalingLaws
{
    public static IReadOnlyList<ScalingLawDefinition> All { get; } =
    [
        new(LossComputeLaw.LawName, LawKind.Pretraining, grid => new LossComputeLaw(grid), LawPointsFromTable.LossPoints,
            (fit, compute) => new LossComputeLaw().Predict(fit, new LawPoint(compute, double.NaN)), "L(C) = E + A·C^−α",
            options => options.LossComputeGrid, LossComputeLaw.CoarseGrid, StagePoints: ComputeFrontier.Select),
        new(ChinchillaLaw.LawName, LawKind.Pretraining, grid => new ChinchillaLaw(grid), LawPointsFromTable.LossPointsWithModelSize,
            (fit, compute) => new ChinchillaLaw().OptimalLoss(fit, compute), "Chinchilla compute-optimal frontier",
            options => options.ChinchillaGrid, ChinchillaLaw.CoarseGrid,
            (fit, points) => [Reporting.ReportPlots.IsoLossContours(fit, points), Reporting.ReportPlots.IsoFlopProfiles(fit, points)]),
        new(RlLogLinearLaw.LawName, LawKind.Rl, _ => new RlLogLinearLaw(), LawPointsFromTable.ScorePoints,
            (fit, compute) => new RlLogLinearLaw().Predict(fit, new LawPoint(compute, double.NaN)), RlLogLinearLaw.LawName),
        new(RlSigmoidLaw.LawName, LawKind.Rl, _ => new RlSigmoidLaw(), LawPointsFromTable.ScorePoints,
            (fit, compute) => new RlSigmoidLaw().Predict(fit, new LawPoint(compute, double.NaN)), RlSigmoidLaw.LawName),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(l => l.Name)];

    public static IReadOnlyList<ScalingLawDefinition> OfKind(LawKind kind) => [.. All.Where(l => l.Kind == kind)];

    public static ScalingLawDefinition Definition(string name) =>
        All.FirstOrDefault(l => l.Name == name)
        ?? throw new BadInputException("--law", "law", $"unknown law '{name}'", $"use one of {string.Join(", ", Names)}");

    public static IScalingLaw ByName(string name, InitializationGrid? grid = null) => Definition(name).Create(grid);
}
