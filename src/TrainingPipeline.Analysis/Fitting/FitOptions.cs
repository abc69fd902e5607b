namespace TrainingPipeline.Analysis.Fitting;

/// <summary>How a law is fitted: bootstrap resamples (0 = no intervals), seed, and the backtest's held-out fraction of the
/// log-compute range (0 = no backtest).</summary>
public sealed record FitOptions(int Bootstrap = 200, long Seed = 0, double BacktestFraction = 0.25);
