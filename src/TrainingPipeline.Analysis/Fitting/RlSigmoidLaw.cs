using System.Globalization;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// score = R0 + (A − R0) / (1 + (C_mid / C)^B): a logistic in log10 compute rising from R0 to the ceiling A, fitted
/// by least squares (objective: half the residual sum of squares). Internally B = exp(b) keeps the slope positive
/// and m = log10 C_mid keeps the midpoint on the scale of the data; L-BFGS starts from a small grid built from the
/// data's range. When every score lies in [0, 1] (a pass rate), R0 and A are fitted through a logistic link so they
/// stay in (0, 1): an unbounded ceiling let a backtest extrapolate a pass rate of 15 from a handful of noisy points.
/// <para>
/// With <paramref name="stepZero"/> (each run's evaluation at step 0, before the first update) the floor R0 is not
/// fitted but measured, as ScaleRL does (Khatri et al. 2025: R0 is the initial performance): R0 is the mean over runs
/// of their step-0 pass@1, and only A, B and C_mid are fitted. A fit on a subset of runs (a leave-one-run-out refit)
/// takes the mean over that subset's runs only, so the run-level intervals of A, B and C_mid carry R0's uncertainty.
/// Without it the fitted points (the early regime left out) all lie above the floor and nothing bounds R0 from below.
/// </para>
/// </summary>
public sealed class RlSigmoidLaw(IReadOnlyList<LawPoint>? stepZero = null) : IScalingLaw
{
    public const string LawName = "rl-sigmoid";
    private static readonly double Ln10 = Math.Log(10);

    public string Name => LawName;
    public IReadOnlyList<string> ParameterNames { get; } = ["R0", "A", "B", "C_mid"];
    public int MinimumPoints => 5;

    /// <summary>The step-0 evaluations the floor is measured from (empty: R0 is fitted).</summary>
    public IReadOnlyList<LawPoint> StepZero { get; } = stepZero?.Where(p => double.IsFinite(p.Value)).ToList() ?? [];

    /// <summary>True when R0 is the measured step-0 pass@1, not a fitted parameter.</summary>
    public bool FloorIsMeasured => StepZero.Count > 0;

    public int FreeParameterCount => FloorIsMeasured ? 3 : 4;

    /// <summary>
    /// The measured floor for a fit on <paramref name="points"/>: the mean over runs of the step-0 pass@1 of the runs
    /// among those points (all step-0 evaluations when the points carry no run id or none of them matches).
    /// </summary>
    public double MeasuredFloor(IReadOnlyList<LawPoint> points) => FloorRuns(points).Average(r => r.Value);

    /// <summary>Each run's step-0 value and standard error (mean over its step-0 rows), for the runs among <paramref name="points"/>.</summary>
    public IReadOnlyList<(double Value, double StdError)> FloorRuns(IReadOnlyList<LawPoint> points)
    {
        var runs = points.Select(p => p.Cluster).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var used = StepZero.Where(e => e.Cluster is { } run && runs.Contains(run)).ToList();
        if (used.Count == 0) used = [.. StepZero];
        return [.. used.GroupBy(e => e.Cluster ?? "").Select(g => (g.Average(e => e.Value), g.Average(e => e.StdError)))];
    }
    public IReadOnlyCollection<string> ScaleParameters { get; } = ["B", "C_mid"];

    /// <summary>The floor and ceiling of a pass-rate fit are rates (intervals use the logit scale only when every estimate is in (0, 1)).</summary>
    public IReadOnlyCollection<string> RateParameters(LawFit fit) => ["R0", "A"];

    public LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null)
    {
        var x = points.Select(p => Math.Log10(p.Compute)).ToArray();
        var y = points.Select(p => p.Value).ToArray();
        double? floor = FloorIsMeasured ? MeasuredFloor(points) : null;
        bool bounded = IsRate(y) && floor is null or (>= 0 and <= 1);
        var starts = warmStart is null ? Starts(x, y, bounded, floor is not null) : [warmStart.InternalVector.ToArray()];
        var result = MultiStartMinimizer.Minimize(v => Objective(v, x, y, bounded, floor), starts);
        var v = result.Minimizer;
        var o = floor is null ? 1 : 0; // v = [R0, A, b, m], or [A, b, m] when the floor is measured
        var parameters = new Dictionary<string, double>
        {
            ["R0"] = floor ?? (bounded ? Logistic(v[0]) : v[0]),
            ["A"] = bounded ? Logistic(v[o]) : v[o],
            ["B"] = Math.Exp(v[o + 1]),
            ["C_mid"] = Math.Pow(10, v[o + 2]),
        };
        return new LawFit(Name, points.Count, parameters, result.Value, v);
    }

    public double Predict(LawFit fit, LawPoint point) =>
        fit["R0"] + (fit["A"] - fit["R0"]) / (1 + Math.Pow(fit["C_mid"] / point.Compute, fit["B"]));

    public IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points) =>
        new Dictionary<string, double> { ["log10_C_mid"] = Math.Log10(fit["C_mid"]) };

    /// <summary>
    /// For pass rates the fitted floor and ceiling are searched through a logistic link, range (0, 1); B = e^b, range (0, ∞).
    /// A measured floor is not searched. C_mid = 10^m is searched over the whole axis: a midpoint far from the points is a
    /// flat fit (<see cref="Degeneracy"/>), not a bound.
    /// </summary>
    public double? SearchBoundAt(LawFit fit, string parameter, IReadOnlyList<LawPoint> points) => parameter switch
    {
        "R0" when !FloorIsMeasured && IsRate([.. points.Select(p => p.Value)]) => SearchBounds.AtRateBound(fit["R0"]),
        "A" when IsRate([.. points.Select(p => p.Value)]) => SearchBounds.AtRateBound(fit["A"]),
        "B" => fit["B"] < SearchBounds.Tolerance ? 0 : null,
        _ => null,
    };

    /// <summary>
    /// A sigmoid fit is degenerate when it does not describe a rise the points resolve, measured against the points'
    /// noise (<see cref="Noise"/>): (1) <b>no rise</b>: the ceiling A is not above the floor R0 by more than the noise
    /// (A ≤ R0 is a falling or flat curve, not a rise to a ceiling); or (2) <b>flat</b>: the fitted curve moves by no more
    /// than the noise between the smallest and the largest fitted compute (the midpoint sits far outside the points, so
    /// any B and C_mid there fit as well). Its parameters, and what it extrapolates, are then not determined by the
    /// points. The parametrisation has no search bounds to be pinned at (B = e^b, C_mid = 10^m, and the rates go through
    /// a logistic link), so the rule reads the fitted curve, not the parameters' positions. Null when neither holds.
    /// </summary>
    public string? Degeneracy(LawFit fit, IReadOnlyList<LawPoint> points)
    {
        if (points.Count == 0) return null;
        var (noise, what) = Noise(fit, points);
        var reasons = new List<string>();
        double floor = fit["R0"], ceiling = fit["A"];
        if (!(ceiling - floor > noise))
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"no rise: the ceiling A = {ceiling:G3} is not above the floor R0 = {floor:G3} by more than the noise"));
        double low = points.Min(p => p.Compute), high = points.Max(p => p.Compute);
        var change = Math.Abs(Predict(fit, new LawPoint(high, double.NaN)) - Predict(fit, new LawPoint(low, double.NaN)));
        if (!(change > noise))
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"flat: the fitted curve moves by {change:F3} between compute {low:G3} and {high:G3}, no more than the noise (C_mid = {fit["C_mid"]:G3})"));
        return reasons.Count == 0 ? null
            : string.Join("; ", reasons) + string.Create(CultureInfo.InvariantCulture, $"; noise {noise:G2}, {what}");
    }

    /// <summary>
    /// The points' noise the degeneracy rule compares with: the median standard error of one evaluation (the rows'
    /// <c>stderr</c>), or, when the points carry none (an external table), the fit's root-mean-square residual.
    /// </summary>
    public static (double Noise, string Description) Noise(LawFit fit, IReadOnlyList<LawPoint> points)
    {
        var errors = points.Select(p => p.StdError).Where(e => double.IsFinite(e) && e > 0).Order().ToArray();
        if (errors.Length > 0)
        {
            var median = errors.Length % 2 == 1 ? errors[errors.Length / 2] : (errors[errors.Length / 2 - 1] + errors[errors.Length / 2]) / 2;
            return (median, "the median s.e. of one evaluation");
        }
        return (Math.Sqrt(2 * fit.Objective / points.Count), "the fit's RMS residual (the points carry no s.e.)");
    }

    public void Validate(IReadOnlyList<LawPoint> points, string source)
    {
        PointValidation.RequireCount(points, MinimumPoints, Name, source);
        PointValidation.RequirePositiveFinite(points, p => p.Compute, "C (compute)", source);
        PointValidation.RequireFinite(points, p => p.Value, "score", source);
        PointValidation.RequireDistinctCompute(points, 4, Name, source);
    }

    /// <summary>Scores that are all in [0, 1] are rates, and the law's floor and ceiling must be too.</summary>
    public static bool IsRate(IReadOnlyList<double> scores) => scores.All(v => v is >= 0 and <= 1);

    private static double Logistic(double z) => 1 / (1 + Math.Exp(-z));

    private static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-3, 1 - 1e-3);
        return Math.Log(p / (1 - p));
    }

    private static IEnumerable<double[]> Starts(double[] x, double[] y, bool bounded, bool floorMeasured)
    {
        double yMin = y.Min(), yMax = y.Max(), range = Math.Max(yMax - yMin, 1e-6);
        var sortedX = x.Order().ToArray();
        foreach (var r0 in floorMeasured ? [double.NaN] : new[] { yMin, yMin - 0.1 * range })
            foreach (var ceiling in new[] { yMax, yMax + 0.5 * range })
                foreach (var slope in new[] { 0.5, 1.0, 2.0, 4.0 })
                    foreach (var q in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
                    {
                        double[] rest = [bounded ? Logit(ceiling) : ceiling, Math.Log(slope), sortedX[(int)(q * (sortedX.Length - 1))]];
                        yield return floorMeasured ? rest : [bounded ? Logit(r0) : r0, .. rest];
                    }
    }

    /// <summary>Half the residual sum of squares and its gradient; v = [R0, A, b, m], or [A, b, m] with a measured floor.</summary>
    private static (double, double[]) Objective(double[] v, double[] x, double[] y, bool bounded, double? measuredFloor)
    {
        var o = measuredFloor is null ? 1 : 0;
        // With the logistic link, d(R0)/d(v0) = R0 (1 − R0); likewise for A.
        double r0 = measuredFloor ?? (bounded ? Logistic(v[0]) : v[0]), ceiling = bounded ? Logistic(v[o]) : v[o];
        double dr0 = bounded ? r0 * (1 - r0) : 1, dCeiling = bounded ? ceiling * (1 - ceiling) : 1;
        double slope = Math.Exp(v[o + 1]), mid = v[o + 2];
        var gradient = new double[v.Length];
        var total = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = slope * Ln10 * (x[i] - mid);
            var s = 1 / (1 + Math.Exp(-z));
            var residual = r0 + (ceiling - r0) * s - y[i];
            total += 0.5 * residual * residual;
            var ds = s * (1 - s) * (ceiling - r0);
            if (o == 1) gradient[0] += residual * (1 - s) * dr0;
            gradient[o] += residual * s * dCeiling;
            gradient[o + 1] += residual * ds * slope * Ln10 * (x[i] - mid);
            gradient[o + 2] -= residual * ds * slope * Ln10;
        }
        return (total, gradient);
    }
}
