namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// score = R0 + (A − R0) / (1 + (C_mid / C)^B): a logistic in log10 compute rising from R0 to the ceiling A, fitted
/// by least squares (objective: half the residual sum of squares). Internally B = exp(b) keeps the slope positive
/// and m = log10 C_mid keeps the midpoint on the scale of the data; L-BFGS starts from a small grid built from the
/// data's range. When every score lies in [0, 1] (a pass rate), R0 and A are fitted through a logistic link so they
/// stay in (0, 1): an unbounded ceiling let a backtest extrapolate a pass rate of 15 from a handful of noisy points.
/// </summary>
public sealed class RlSigmoidLaw : IScalingLaw
{
    public const string LawName = "rl-sigmoid";
    private static readonly double Ln10 = Math.Log(10);

    public string Name => LawName;
    public IReadOnlyList<string> ParameterNames { get; } = ["R0", "A", "B", "C_mid"];
    public int MinimumPoints => 5;
    public IReadOnlyCollection<string> ScaleParameters { get; } = ["B", "C_mid"];

    /// <summary>The floor and ceiling of a pass-rate fit are rates (intervals use the logit scale only when every estimate is in (0, 1)).</summary>
    public IReadOnlyCollection<string> RateParameters(LawFit fit) => ["R0", "A"];

    public LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null)
    {
        var x = points.Select(p => Math.Log10(p.Compute)).ToArray();
        var y = points.Select(p => p.Value).ToArray();
        bool bounded = IsRate(y);
        var starts = warmStart is null ? Starts(x, y, bounded) : [warmStart.InternalVector.ToArray()];
        var result = MultiStartMinimizer.Minimize(v => Objective(v, x, y, bounded), starts);
        var v = result.Minimizer;
        var parameters = new Dictionary<string, double>
        {
            ["R0"] = bounded ? Logistic(v[0]) : v[0],
            ["A"] = bounded ? Logistic(v[1]) : v[1],
            ["B"] = Math.Exp(v[2]),
            ["C_mid"] = Math.Pow(10, v[3]),
        };
        return new LawFit(Name, points.Count, parameters, result.Value, v);
    }

    public double Predict(LawFit fit, LawPoint point) =>
        fit["R0"] + (fit["A"] - fit["R0"]) / (1 + Math.Pow(fit["C_mid"] / point.Compute, fit["B"]));

    public IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points) =>
        new Dictionary<string, double> { ["log10_C_mid"] = Math.Log10(fit["C_mid"]) };

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

    private static IEnumerable<double[]> Starts(double[] x, double[] y, bool bounded)
    {
        double yMin = y.Min(), yMax = y.Max(), range = Math.Max(yMax - yMin, 1e-6);
        var sortedX = x.Order().ToArray();
        foreach (var r0 in new[] { yMin, yMin - 0.1 * range })
            foreach (var ceiling in new[] { yMax, yMax + 0.5 * range })
                foreach (var slope in new[] { 0.5, 1.0, 2.0, 4.0 })
                    foreach (var q in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
                        yield return [bounded ? Logit(r0) : r0, bounded ? Logit(ceiling) : ceiling, Math.Log(slope), sortedX[(int)(q * (sortedX.Length - 1))]];
    }

    private static (double, double[]) Objective(double[] v, double[] x, double[] y, bool bounded)
    {
        // With the logistic link, d(R0)/d(v0) = R0 (1 − R0); likewise for A.
        double r0 = bounded ? Logistic(v[0]) : v[0], ceiling = bounded ? Logistic(v[1]) : v[1];
        double dr0 = bounded ? r0 * (1 - r0) : 1, dCeiling = bounded ? ceiling * (1 - ceiling) : 1;
        double slope = Math.Exp(v[2]), mid = v[3];
        var gradient = new double[4];
        var total = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = slope * Ln10 * (x[i] - mid);
            var s = 1 / (1 + Math.Exp(-z));
            var residual = r0 + (ceiling - r0) * s - y[i];
            total += 0.5 * residual * residual;
            var ds = s * (1 - s) * (ceiling - r0);
            gradient[0] += residual * (1 - s) * dr0;
            gradient[1] += residual * s * dCeiling;
            gradient[2] += residual * ds * slope * Ln10 * (x[i] - mid);
            gradient[3] -= residual * ds * slope * Ln10;
        }
        return (total, gradient);
    }
}
