namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// A point estimate with its 95% interval (NaN bounds when there is none, e.g. fewer than 3 runs) and the standard
/// error due to evaluation noise alone (NaN when the points carry no standard error).
/// </summary>
public sealed record ParameterEstimate(string Name, double Value, double CiLow, double CiHigh, double EvalStdError = double.NaN)
{
    public bool Covers(double truth) => CiLow <= truth && truth <= CiHigh;

    /// <summary>The bound of the fit's search range the value sits at (<see cref="IScalingLaw.SearchBoundAt"/>), or null.</summary>
    public double? SearchBound { get; init; }

    /// <summary>An interval of zero width up to rounding: refits that all land on one value differ in the last digits.</summary>
    public bool HasZeroWidthInterval =>
        double.IsFinite(CiLow) && double.IsFinite(CiHigh) && Math.Abs(CiHigh - CiLow) <= 1e-6 * Math.Max(Math.Abs(CiLow), Math.Abs(CiHigh));
}
