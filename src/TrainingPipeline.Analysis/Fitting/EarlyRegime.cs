namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Leaves out the early low-compute regime before an RL law is fitted or compared: points below a fraction of their
/// own run's final compute (of the largest compute when the points carry no run id). In the first few updates the
/// model has barely moved, and on a log-compute axis those few points span as much of the range as the whole rest
/// of the run; ScaleRL (Khatri et al. 2025) fits its sigmoid only after this regime for the same reason.
/// </summary>
public static class EarlyRegime
{
    /// <summary>
    /// 10% of the run's compute. With evenly spaced evaluations that is the first tenth of them; with log-spaced ones it is
    /// most of them: of the rl-scaling schedule 1, 2, 4, …, 256 it drops 5 of 9 and keeps 32–256, 4 evaluations per run
    /// (docs/analysis.md, "What design the analysis needs").
    /// </summary>
    public const double DefaultFraction = 0.1;

    public static IReadOnlyList<LawPoint> Discard(IReadOnlyList<LawPoint> points, double fraction)
    {
        if (fraction <= 0) return points;
        var globalMax = points.Count == 0 ? 0 : points.Max(p => p.Compute);
        var runMax = points.Where(p => p.Cluster is not null).GroupBy(p => p.Cluster!).ToDictionary(g => g.Key, g => g.Max(p => p.Compute));
        return [.. points.Where(p => p.Compute >= fraction * (p.Cluster is { } run ? runMax[run] : globalMax))];
    }
}
