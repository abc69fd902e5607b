namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Where the laws' search ranges end. The optimisers search unbounded internal coordinates (ln E, ln A, ln B of the loss
/// laws; the sigmoid's e^b, 10^m and, for pass rates, logit R0 and logit A), so a positive parameter's range is (0, ∞) and
/// a rate's (0, 1): a bound is reached only as a limit. A value counts as at a bound when the optimiser has run so far
/// towards it that the parameter no longer changes any prediction, by <see cref="Tolerance"/> relative to the fitted
/// values (e.g. the quickstart's Chinchilla E = 2E−16 against losses of 0.5: e = ln E ran to −36).
/// </summary>
public static class SearchBounds
{
    public const double Tolerance = 1e-9;

    /// <summary>0 when a non-negative term of the law is below <see cref="Tolerance"/> × the fitted value at every point; else null.</summary>
    public static double? AtZero(IReadOnlyList<LawPoint> points, Func<LawPoint, double> term) =>
        points.Count > 0 && points.All(p => term(p) < Tolerance * Math.Abs(p.Value)) ? 0 : null;

    /// <summary>0 or 1 when a rate fitted through a logistic link is within <see cref="Tolerance"/> of it; else null.</summary>
    public static double? AtRateBound(double rate) => rate < Tolerance ? 0 : rate > 1 - Tolerance ? 1 : null;
}
