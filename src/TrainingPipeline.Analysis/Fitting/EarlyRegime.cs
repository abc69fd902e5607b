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

    public static IReadOnlyList<LawPoint> Discard(IReadOnlyList<LawPoint> points, double fraction) =>
        Discard(points, p => p.Compute, p => p.Cluster, fraction);

    /// <summary>The same cut on any points that carry a compute and (optionally) a run id: the hinge test uses it too.</summary>
    public static IReadOnlyList<T> Discard<T>(IReadOnlyList<T> points, Func<T, double> compute, Func<T, string?> run, double fraction)
    {
        if (fraction <= 0) return points;
        var globalMax = points.Count == 0 ? 0 : points.Max(compute);
        var runMax = points.Where(p => run(p) is not null).GroupBy(p => run(p)!).ToDictionary(g => g.Key, g => g.Max(compute));
        return [.. points.Where(p => compute(p) >= fraction * (run(p) is { } id ? runMax[id] : globalMax))];
    }
}
