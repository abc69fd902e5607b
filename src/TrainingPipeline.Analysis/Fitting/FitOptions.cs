namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// How a law is fitted: resamples for the intervals (0 = no intervals), seed, the backtest's held-out fraction of the
/// log-compute range (0 = no backtest; default: the top half), the early-regime cut for RL laws (points below this
/// fraction of their run's final compute are left out, ScaleRL-style; 0 keeps all), the run-level interval method, and
/// what a cluster of points is (<c>run</c>, or <c>lineage</c> for pre-training chains: RunLevelIntervals.Compute).
/// </summary>
public sealed record FitOptions(
    int Bootstrap = 200,
    long Seed = 0,
    double BacktestFraction = Backtest.DefaultHeldOutFraction,
    double EarlyComputeFraction = EarlyRegime.DefaultFraction,
    RunIntervalMethod IntervalMethod = RunIntervalMethod.JackknifeT,
    string ReplicateUnit = RunLevelIntervals.Run);
