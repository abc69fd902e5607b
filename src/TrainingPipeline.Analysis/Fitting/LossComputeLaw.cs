namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// L(C) = E + A·C^(−alpha), fitted like the Chinchilla law: log-space parameters (a = ln A, e = ln E), Huber loss
/// on log-loss residuals, L-BFGS from a grid of starts.
/// </summary>
public sealed class LossComputeLaw(InitializationGrid? grid = null, double huberDelta = HuberLoss.HoffmannDelta) : IScalingLaw
{
    public const string LawName = "loss-compute";

    /// <summary>Starts for (a, e, alpha): 12 × 5 × 6 = 360.</summary>
    public static InitializationGrid DefaultGrid { get; } = new([
        InitializationGrid.Range(0, 30, 2.5),
        InitializationGrid.Range(-1, 1.5, 0.5),
        [0.05, 0.1, 0.2, 0.35, 0.5, 1.0],
    ]);

    /// <summary>27 starts for quick fits (tests).</summary>
    public static InitializationGrid CoarseGrid { get; } = new([[2.5, 7.5, 15], [-0.5, 0.5, 1], [0.1, 0.3, 0.6]]);

    public InitializationGrid Grid { get; } = grid ?? DefaultGrid;

    public string Name => LawName;
    public IReadOnlyList<string> ParameterNames { get; } = ["E", "A", "alpha"];
    public int MinimumPoints => 5;
    public IReadOnlyCollection<string> ScaleParameters { get; } = ["E", "A", "loss@10xC_max"];

    public LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null)
    {
        var logC = points.Select(p => Math.Log(p.Compute)).ToArray();
        var logL = points.Select(p => Math.Log(p.Value)).ToArray();
        var starts = warmStart is null ? Grid.Points() : [warmStart.InternalVector.ToArray()];
        var result = MultiStartMinimizer.Minimize(x => Objective(x, logC, logL), starts);
        var v = result.Minimizer;
        var parameters = new Dictionary<string, double> { ["E"] = Math.Exp(v[1]), ["A"] = Math.Exp(v[0]), ["alpha"] = v[2] };
        return new LawFit(Name, points.Count, parameters, result.Value, v);
    }

    public double Predict(LawFit fit, LawPoint point) => fit["E"] + fit["A"] * Math.Pow(point.Compute, -fit["alpha"]);

    public IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points)
    {
        var tenfold = 10 * points.Max(p => p.Compute);
        return new Dictionary<string, double> { ["loss@10xC_max"] = Predict(fit, new LawPoint(tenfold, double.NaN)) };
    }

    /// <summary>E and A are searched as ln E, ln A: their range is (0, ∞), and each sits at 0 when its term vanishes at every point.</summary>
    public double? SearchBoundAt(LawFit fit, string parameter, IReadOnlyList<LawPoint> points) => parameter switch
    {
        "E" => SearchBounds.AtZero(points, _ => fit["E"]),
        "A" => SearchBounds.AtZero(points, p => fit["A"] * Math.Pow(p.Compute, -fit["alpha"])),
        _ => null,
    };

    public void Validate(IReadOnlyList<LawPoint> points, string source)
    {
        PointValidation.RequireCount(points, MinimumPoints, Name, source);
        PointValidation.RequirePositiveFinite(points, p => p.Compute, "C (compute)", source);
        PointValidation.RequirePositiveFinite(points, p => p.Value, "loss", source);
        PointValidation.RequireDistinctCompute(points, 4, Name, source);
    }

    private (double, double[]) Objective(double[] x, double[] logC, double[] logL)
    {
        double a = x[0], e = x[1], alpha = x[2];
        var gradient = new double[3];
        var total = 0.0;
        for (var i = 0; i < logL.Length; i++)
        {
            var t = a - alpha * logC[i];
            var max = Math.Max(t, e);
            double wt = Math.Exp(t - max), we = Math.Exp(e - max);
            var sum = wt + we;
            var residual = max + Math.Log(sum) - logL[i];
            total += HuberLoss.Value(residual, huberDelta);
            var slope = HuberLoss.Derivative(residual, huberDelta) / sum;
            gradient[0] += slope * wt;
            gradient[1] += slope * we;
            gradient[2] -= slope * wt * logC[i];
        }
        return (total, gradient);
    }
}
