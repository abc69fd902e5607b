namespace TrainingPipeline.Analysis.Fitting;

/// <summary>A point estimate with its 95% bootstrap interval (NaN bounds when no resample succeeded).</summary>
public sealed record ParameterEstimate(string Name, double Value, double CiLow, double CiHigh)
{
    public bool Covers(double truth) => CiLow <= truth && truth <= CiHigh;
}
