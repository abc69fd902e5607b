namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Extrapolation check: the law fitted on points below <paramref name="CutoffCompute"/> predicts the held-out
/// points at or above it. Errors are in the units of the fitted value (nats for loss, score points for RL).
/// <paramref name="RmseLow"/>–<paramref name="RmseHigh"/> is the RMSE's 95% run-level interval (NaN with fewer than
/// 3 runs), and <paramref name="ResamplingUnit"/> says what it resampled. <paramref name="LeaveOneRunOut"/> holds the
/// held-out RMSE with each run left out (empty with fewer than 3 runs), for paired comparisons between laws.
/// </summary>
public sealed record BacktestResult(
    double CutoffCompute,
    int TrainPoints,
    int HeldOutPoints,
    double RootMeanSquaredError,
    double MeanAbsoluteError,
    LawFit TrainFit,
    double RmseLow = double.NaN,
    double RmseHigh = double.NaN,
    string ResamplingUnit = RunLevelIntervals.None,
    IReadOnlyDictionary<string, double>? LeaveOneRunOut = null);
