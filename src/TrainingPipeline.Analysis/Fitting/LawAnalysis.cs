namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Fit + run-level intervals + backtest for one law on one group of points. RL laws first leave out the early
/// low-compute regime (<see cref="EarlyRegime"/>); a sigmoid whose ceiling lies below the observed maximum is marked
/// as a failed fit.
/// </summary>
public static class LawAnalysis
{
    public static FittedLaw Run(IScalingLaw law, IReadOnlyList<LawPoint> points, string group, FitOptions options, string source)
    {
        var all = points;
        if (law is RlLogLinearLaw or RlSigmoidLaw) points = EarlyRegime.Discard(points, options.EarlyComputeFraction);
        law.Validate(points, source);
        var fit = law.Fit(points);
        var derived = law.Derived(fit, points);
        var uncertainty = RunLevelIntervals.Compute(law, points, fit, options.Bootstrap, options.Seed, options.IntervalMethod, options.ReplicateUnit);
        string? note = "backtest disabled (fraction 0)";
        var backtest = options.BacktestFraction > 0 ? Backtest.Run(law, points, options.BacktestFraction, out note) : null;
        var parameters = fit.Parameters.Select(kv => Estimate(kv.Key, kv.Value, uncertainty)).ToList();
        var floorNote = law is RlSigmoidLaw ? WithdrawUnidentifiedFloor(parameters) : null;
        var ceiling = law is RlSigmoidLaw ? parameters.Single(p => p.Name == "A") : null;
        // Without an interval for A the failure rule would compare the estimate (± evaluation noise only) with the runs'
        // maximum, and flagged correct fits as failed (32 in 100 at 2 runs): then the ceiling is undetermined, not failed.
        var ceilingUndetermined = ceiling is not null && !double.IsFinite(ceiling.CiHigh);
        if (ceilingUndetermined)
            floorNote = JoinNotes(floorNote, $"ceiling not determined (n runs < {RunLevelIntervals.MinimumRuns}, have {uncertainty.Runs}): A has no run-level interval to compare with the observed maximum");
        return new FittedLaw(
            law.Name, group, fit, parameters,
            [.. derived.Select(kv => Estimate(kv.Key, kv.Value, uncertainty))],
            uncertainty.Requested, uncertainty.Succeeded, uncertainty.ResamplingUnit, backtest, note)
        {
            IntervalMethod = uncertainty.Method,
            Runs = uncertainty.Runs,
            ReplicateUnit = options.ReplicateUnit,
            IntervalNote = uncertainty.Note is { } intervalNote && floorNote is not null ? $"{intervalNote}; {floorNote}" : uncertainty.Note ?? floorNote,
            FailureNote = ceiling is not null && !ceilingUndetermined ? CeilingFailure(ceiling, points) : null,
            DiscardedEarlyPoints = all.Count - points.Count,
        };
    }

    /// <summary>
    /// A ceiling below what the runs already reached is a failed fit, not evidence of saturation. The observed
    /// maximum is the largest mean over runs of their k-th evaluation (the points themselves when there are no run ids);
    /// the ceiling's upper 95% bound (or the estimate plus two evaluation standard errors) is compared with it.
    /// </summary>
    public static string? CeilingFailure(ParameterEstimate ceiling, IReadOnlyList<LawPoint> points)
    {
        var runs = points.GroupBy(p => p.Cluster ?? "").Select(g => g.OrderBy(p => p.Compute).ToArray()).ToArray();
        var observed = Enumerable.Range(0, runs.Max(r => r.Length))
            .Select(k => runs.Where(r => k < r.Length).Average(r => r[k].Value))
            .Max();
        var upper = double.IsFinite(ceiling.CiHigh) ? ceiling.CiHigh
            : double.IsFinite(ceiling.EvalStdError) ? ceiling.Value + 2 * ceiling.EvalStdError
            : ceiling.Value;
        return upper < observed
            ? $"failed fit: the ceiling A = {ceiling.Value:G3} (upper bound {upper:G3}) lies below the observed maximum {observed:G3}"
            : null;
    }

    private static string? JoinNotes(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}; {second}";

    /// <summary>Below this the sigmoid's floor R0 is taken to sit on the pass-rate link's boundary at 0.</summary>
    public const double FloorBoundary = 0.01;

    /// <summary>
    /// The sigmoid's floor R0 is not identified when its interval reaches down to the boundary at 0: the fitted
    /// points (early regime left out) all lie above the floor, nothing bounds it from below, and the leave-one-run-out
    /// fits collapse onto the boundary, so the interval would be confidently wrong (the calibration harness measured
    /// 75% coverage before this rule). Its interval is withdrawn (reported as null) and a note says why.
    /// </summary>
    public static string? WithdrawUnidentifiedFloor(List<ParameterEstimate> parameters)
    {
        var index = parameters.FindIndex(p => p.Name == "R0");
        if (index < 0 || !double.IsFinite(parameters[index].CiLow) || parameters[index].CiLow >= FloorBoundary) return null;
        var floor = parameters[index];
        parameters[index] = floor with { CiLow = double.NaN, CiHigh = double.NaN };
        return $"R0 not identified (its interval reaches the boundary at 0: the fitted points all lie above the floor), no interval reported";
    }

    private static ParameterEstimate Estimate(string name, double value, LawUncertainty uncertainty)
    {
        var evalError = uncertainty.EvalStdErrors.TryGetValue(name, out var se) ? se : double.NaN;
        return uncertainty.Intervals.TryGetValue(name, out var ci)
            ? new ParameterEstimate(name, value, ci.Low, ci.High, evalError)
            : new ParameterEstimate(name, value, double.NaN, double.NaN, evalError);
    }
}
