namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Fits on the lower part of the log-compute range and predicts the top <c>fraction</c> of it. Splitting on the
/// log-compute range (not on the number of points) is what extrapolating to a bigger budget means.
/// </summary>
public static class Backtest
{
    /// <summary>The backtest, or null with <paramref name="reason"/> when a side of the split is too small.</summary>
    public static BacktestResult? Run(IScalingLaw law, IReadOnlyList<LawPoint> points, double fraction, out string? reason)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), "must be in (0, 1)");
        var logs = points.Select(p => Math.Log10(p.Compute)).ToArray();
        var cutoff = Math.Pow(10, logs.Max() - fraction * (logs.Max() - logs.Min()));
        var train = points.Where(p => p.Compute < cutoff).ToList();
        var heldOut = points.Where(p => p.Compute >= cutoff).ToList();
        if (train.Count < law.MinimumPoints || train.Select(p => p.Compute).Distinct().Count() < 2)
        {
            reason = $"not enough points below the top {fraction:P0} of the compute range to backtest {law.Name} " +
                     $"(have {train.Count}, need ≥ {law.MinimumPoints})";
            return null;
        }
        LawFit fit;
        try
        {
            fit = law.Fit(train);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            reason = $"the {law.Name} fit on the lower compute range failed: {e.Message}";
            return null;
        }
        var errors = heldOut.Select(p => law.Predict(fit, p) - p.Value).ToArray();
        reason = null;
        return new BacktestResult(
            cutoff, train.Count, heldOut.Count,
            Math.Sqrt(errors.Average(e => e * e)),
            errors.Average(Math.Abs),
            fit);
    }
}
