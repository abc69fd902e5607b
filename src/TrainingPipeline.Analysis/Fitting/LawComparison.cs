namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Which of two laws extrapolates better on the same points. Both laws are backtested on the same runs, so the
/// comparison is paired: the difference of their held-out RMSEs gets a leave-one-run-out jackknife-t interval, and a
/// law is preferred only when that interval lies entirely on one side of zero (each law's own RMSE interval is
/// mostly the runs' shared deviation, which cancels in the difference; the calibration harness measured that
/// requiring the two separate intervals not to overlap almost never prefers either law). Fewer than 3 runs, a
/// missing backtest, a backtest that failed on a degenerate fit, or a failed fit give no preference.
/// </summary>
public static class LawComparison
{
    /// <summary>
    /// Seeds at which the harness calibrated the saturation call (≥ 80% detection, bend inside the fitted half): with fewer,
    /// "no saturation detected" misses most ceilings (3–45% detection), and the report says so.
    /// </summary>
    public const int CalibratedMinimumRuns = 8;

    /// <param name="Tested">False when no comparison was made (a failed fit, a missing backtest, fewer than 3 runs):
    /// then nothing was tested and no verdict may be read from it.</param>
    public sealed record Verdict(string? Preferred, string Reason, bool Tested = true);

    public static Verdict Compare(FittedLaw first, FittedLaw second)
    {
        foreach (var law in new[] { first, second })
        {
            if (law.Failed) return new Verdict(null, $"no preference: {law.Law} {law.FailureNote}", Tested: false);
            if (law.Backtest is null)
                return new Verdict(null, Backtest.FailedOnDegenerateFit(law.BacktestNote)
                    ? $"no preference: {law.Law} {law.BacktestNote}"
                    : $"no preference: {law.Law} has no backtest ({law.BacktestNote})", Tested: false);
            if (!double.IsFinite(law.Backtest.RmseLow))
                return new Verdict(null, $"no preference: {law.Law}'s backtest error has no run-level interval (n runs < {RunLevelIntervals.MinimumRuns})", Tested: false);
        }
        var (a, b) = (first.Backtest!, second.Backtest!);
        if (a.LeaveOneRunOut is not { } runsA || b.LeaveOneRunOut is not { } runsB || !runsA.Keys.ToHashSet().SetEquals(runsB.Keys))
            return new Verdict(null, "no preference: the two backtests did not leave out the same runs", Tested: false);
        var difference = a.RootMeanSquaredError - b.RootMeanSquaredError;
        var (low, high) = Backtest.JackknifeT(difference, [.. runsA.Keys.Select(run => runsA[run] - runsB[run])]);
        var interval = $"RMSE difference {AnalysisSummary.Format(difference)} [{AnalysisSummary.Format(low)}, {AnalysisSummary.Format(high)}]";
        if (low > 0) return new Verdict(second.Law, $"{second.Law} extrapolates better: {interval}; {Describe(second)} vs {Describe(first)}");
        if (high < 0) return new Verdict(first.Law, $"{first.Law} extrapolates better: {interval}; {Describe(first)} vs {Describe(second)}");
        return new Verdict(null, $"no preference: the {interval} includes zero ({Describe(first)}; {Describe(second)})");
    }

    /// <summary>The stricter rule (the two RMSE intervals do not overlap), kept so the harness can report its rates.</summary>
    public static string? PreferredByNonOverlap(FittedLaw first, FittedLaw second)
    {
        if (first.Failed || second.Failed || first.Backtest is not { } a || second.Backtest is not { } b) return null;
        if (a.RmseHigh < b.RmseLow) return first.Law;
        return b.RmseHigh < a.RmseLow ? second.Law : null;
    }

    private static string Describe(FittedLaw law) =>
        $"{law.Law} RMSE {AnalysisSummary.Format(law.Backtest!.RootMeanSquaredError)} " +
        $"[{AnalysisSummary.Format(law.Backtest.RmseLow)}, {AnalysisSummary.Format(law.Backtest.RmseHigh)}]";
}
