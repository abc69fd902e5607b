namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Extrapolation check: the law fitted on points below <paramref name="CutoffCompute"/> predicts the held-out
/// points at or above it. Errors are in the units of the fitted value (nats for loss, score points for RL).
/// </summary>
public sealed record BacktestResult(
    double CutoffCompute,
    int TrainPoints,
    int HeldOutPoints,
    double RootMeanSquaredError,
    double MeanAbsoluteError,
    LawFit TrainFit);
