namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// A point estimate with its 95% interval (NaN bounds when there is none, e.g. fewer than 3 runs) and the standard
/// error due to evaluation noise alone (NaN when the points carry no standard error).
/// </summary>
public sealed record ParameterEstimate(string Name, double Value, double CiLow, double CiHigh, double EvalStdError = double.NaN)
{
    public bool Covers(double truth) => CiLow <= truth && truth <= CiHigh;
}
