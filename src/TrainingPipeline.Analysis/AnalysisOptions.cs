using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis;

/// <summary>
/// Options of the analysis stage. <paramref name="ChinchillaGrid"/> and <paramref name="LossComputeGrid"/> are the
/// L-BFGS initialization grids (null: Hoffmann et al.'s 4,500-point grid and the 360-point default); tests pass the
/// coarse grids to stay fast. <paramref name="EarlyComputeFraction"/>: RL points below this fraction of their run's
/// compute are left out of the RL laws (<see cref="EarlyRegime"/>).
/// </summary>
public sealed record AnalysisOptions(
    int Bootstrap = 200,
    long Seed = 0,
    double BacktestFraction = Backtest.DefaultHeldOutFraction,
    InitializationGrid? ChinchillaGrid = null,
    InitializationGrid? LossComputeGrid = null,
    double EarlyComputeFraction = EarlyRegime.DefaultFraction)
{
    public FitOptions FitOptions => new(Bootstrap, Seed, BacktestFraction, EarlyComputeFraction);
}
