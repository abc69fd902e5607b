namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// A point estimate: the law's named parameters (in the units users publish, e.g. A not log A), the final value
/// of the fit objective, and the optimizer's internal vector (used to warm-start bootstrap refits).
/// </summary>
public sealed record LawFit(
    string Law,
    int PointCount,
    IReadOnlyDictionary<string, double> Parameters,
    double Objective,
    IReadOnlyList<double> InternalVector)
{
    public double this[string parameter] => Parameters[parameter];
}
