namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Everything known about one fitted law on one group of points: the estimate, 95% intervals for every parameter
/// and derived quantity, and the extrapolation backtest (null with <see cref="BacktestNote"/> when not possible).
/// </summary>
public sealed record FittedLaw(
    string Law,
    string Group,
    LawFit Fit,
    IReadOnlyList<ParameterEstimate> Parameters,
    IReadOnlyList<ParameterEstimate> Derived,
    int BootstrapRequested,
    int BootstrapSucceeded,
    string ResamplingUnit,
    BacktestResult? Backtest,
    string? BacktestNote)
{
    public int PointCount => Fit.PointCount;
    public ParameterEstimate Parameter(string name) => Parameters.Single(p => p.Name == name);
}
