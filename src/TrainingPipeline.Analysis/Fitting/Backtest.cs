using MathNet.Numerics.Distributions;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Fits on the lower part of the log-compute range and predicts the top <c>fraction</c> of it (default: the top
/// half). Splitting on the log-compute range (not on the number of points) is what extrapolating to a bigger budget
/// means. The fitted part must hold at least twice as many points as the law has parameters, or the comparison
/// measures over-fitting rather than the law. With ≥ 3 runs the RMSE gets a leave-one-run-out jackknife-t interval.
/// A fit on the lower range that is degenerate (<see cref="IScalingLaw.Degeneracy"/>) fails the backtest: no error is
/// reported, and no law comparison is made from it.
/// </summary>
public static class Backtest
{
    public const double DefaultHeldOutFraction = 0.5;

    /// <summary>How a backtest whose fit on the lower range is degenerate (<see cref="IScalingLaw.Degeneracy"/>) is reported: failed, not scored.</summary>
    public const string DegenerateFit = "backtest failed: the fit on the lower compute range is degenerate"; // ReportComposer strips "backtest failed: "

    /// <summary>True when the backtest note says the backtest failed on a degenerate fit (not that it was not attempted).</summary>
    public static bool FailedOnDegenerateFit(string? note) => note?.StartsWith(DegenerateFit, StringComparison.Ordinal) == true;

    /// <summary>The backtest, or null with <paramref name="reason"/> when a side of the split is too small.</summary>
    public static BacktestResult? Run(IScalingLaw law, IReadOnlyList<LawPoint> points, double fraction, out string? reason)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), "must be in (0, 1)");
        var logs = points.Select(p => Math.Log10(p.Compute)).ToArray();
        var cutoff = Math.Pow(10, logs.Max() - fraction * (logs.Max() - logs.Min()));
        var train = points.Where(p => p.Compute < cutoff).ToList();
        var heldOut = points.Where(p => p.Compute >= cutoff).ToList();
        // Counted in fitted parameters: a measured one (the sigmoid's step-0 floor) costs the fitted half nothing.
        var needed = Math.Max(law.MinimumPoints, 2 * law.FreeParameterCount);
        var neededSteps = law.FreeParameterCount + 1;
        var (fittedPoints, fittedSteps) = CountDesignPoints(train);
        if (fittedPoints < needed || fittedSteps < neededSteps)
        {
            reason = $"not enough evaluations below the top {fraction:P0} of the compute range to backtest {law.Name} " +
                     $"(have {fittedPoints} points at {fittedSteps} distinct steps, need ≥ {needed} points — twice the law's " +
                     $"{law.FreeParameterCount} fitted parameters — at ≥ {neededSteps} distinct steps)";
            return null;
        }
        var fit = TryFit(law, train, null);
        if (fit is null)
        {
            reason = $"the {law.Name} fit on the lower compute range failed";
            return null;
        }
        if (law.Degeneracy(fit, train) is { } degenerate)
        {
            // A fit the lower range does not determine extrapolates nothing about the law: its held-out error is no test of it.
            reason = $"{DegenerateFit} ({degenerate})";
            return null;
        }
        var (rmse, mae) = Errors(law, fit, heldOut);
        reason = null;
        var result = new BacktestResult(cutoff, train.Count, heldOut.Count, rmse, mae, fit);
        return RunInterval(law, train, heldOut, fit, rmse) is { } ci
            ? result with { RmseLow = ci.Low, RmseHigh = ci.High, ResamplingUnit = RunLevelIntervals.Run, LeaveOneRunOut = ci.LeaveOneOut }
            : result;
    }

    /// <summary>
    /// What the fitted half really holds: points (a run evaluated twice at one step counts once) and distinct
    /// evaluation steps over all runs. Several seeds at the same steps are replicates, not new compute levels: 4 runs at
    /// 2 steps are 8 points but cannot place a 4-parameter curve. Points without a step count by their compute value.
    /// </summary>
    internal static (int Points, int Steps) CountDesignPoints(IReadOnlyList<LawPoint> points)
    {
        static object Level(LawPoint p) => p.Step is { } step ? step : p.Compute;
        var perRun = points.GroupBy(p => p.Cluster ?? "").Sum(g => g.Select(Level).Distinct().Count());
        return (perRun, points.Select(Level).Distinct().Count());
    }

    /// <summary>Leave one run out of both sides, refit, and take the jackknife-t interval of the held-out RMSE.</summary>
    private static (double Low, double High, Dictionary<string, double> LeaveOneOut)? RunInterval(IScalingLaw law, List<LawPoint> train, List<LawPoint> heldOut, LawFit fit, double rmse)
    {
        if (train.Concat(heldOut).Any(p => p.Cluster is null)) return null;
        var runs = train.Concat(heldOut).Select(p => p.Cluster!).Distinct().ToArray();
        if (runs.Length < RunLevelIntervals.MinimumRuns) return null;
        var leaveOneOut = new Dictionary<string, double>();
        foreach (var run in runs)
        {
            var trainRest = train.Where(p => p.Cluster != run).ToList();
            var heldOutRest = heldOut.Where(p => p.Cluster != run).ToList();
            if (heldOutRest.Count == 0 || TryFit(law, trainRest, fit) is not { } refit) return null;
            leaveOneOut[run] = Errors(law, refit, heldOutRest).Rmse;
        }
        var (low, high) = JackknifeT(rmse, [.. leaveOneOut.Values]);
        return (Math.Max(0, low), high, leaveOneOut);
    }

    /// <summary>estimate ± t(g − 1)·jackknife standard error over g leave-one-run-out values.</summary>
    public static (double Low, double High) JackknifeT(double estimate, IReadOnlyList<double> leaveOneOut)
    {
        var g = leaveOneOut.Count;
        var mean = leaveOneOut.Average();
        var se = Math.Sqrt((g - 1.0) / g * leaveOneOut.Sum(v => (v - mean) * (v - mean)));
        var half = StudentT.InvCDF(0, 1, g - 1, 0.975) * se;
        return (estimate - half, estimate + half);
    }

    private static (double Rmse, double Mae) Errors(IScalingLaw law, LawFit fit, IReadOnlyList<LawPoint> heldOut)
    {
        var errors = heldOut.Select(p => law.Predict(fit, p) - p.Value).ToArray();
        return (Math.Sqrt(errors.Average(e => e * e)), errors.Average(Math.Abs));
    }

    private static LawFit? TryFit(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit? warmStart)
    {
        try
        {
            // The first fit uses the full grid: a warm start from the all-points fit would leak the held-out points.
            return law.Fit(points, warmStart);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
