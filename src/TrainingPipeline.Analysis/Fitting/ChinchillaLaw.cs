using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// L(N, D) = E + A/N^alpha + B/D^beta fitted as Hoffmann et al.'s approach 3: parameters in log space
/// (a = ln A, b = ln B, e = ln E), predictions log L = LSE(a − alpha ln N, b − beta ln D, e), Huber loss (delta
/// 1e-3) on log-loss residuals summed (not averaged: averaging shrinks the objective and makes L-BFGS stop early,
/// Besiroglu et al. 2024), minimized by L-BFGS from every point of an initialization grid.
/// </summary>
public sealed class ChinchillaLaw(InitializationGrid? grid = null, double huberDelta = HuberLoss.HoffmannDelta) : IScalingLaw
{
    public const string LawName = "chinchilla";

    /// <summary>Hoffmann et al.'s grid as used by Besiroglu et al.: 4,500 starts (a, b, e, alpha, beta).</summary>
    public static InitializationGrid HoffmannGrid { get; } = new([
        InitializationGrid.Range(0, 30, 5),
        InitializationGrid.Range(0, 30, 5),
        InitializationGrid.Range(-1, 1.5, 0.5),
        InitializationGrid.Range(0, 2.5, 0.5),
        InitializationGrid.Range(0, 2.5, 0.5),
    ]);

    /// <summary>A 2×2×2×2×2 grid for quick fits (tests, bootstrap demos); 32 starts.</summary>
    public static InitializationGrid CoarseGrid { get; } = new([[5, 15], [5, 15], [0, 1], [0.3, 1.0], [0.3, 1.0]]);

    public InitializationGrid Grid { get; } = grid ?? HoffmannGrid;

    public string Name => LawName;
    public IReadOnlyList<string> ParameterNames { get; } = ["E", "A", "B", "alpha", "beta"];
    public int MinimumPoints => 8;
    public IReadOnlyCollection<string> ScaleParameters { get; } = ["E", "A", "B", "N_opt@C_max", "D_opt@C_max", "tokens_per_param@C_max"];

    public LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null)
    {
        var logN = points.Select(p => Math.Log(p.ModelSize)).ToArray();
        var logD = points.Select(p => Math.Log(p.Tokens)).ToArray();
        var logL = points.Select(p => Math.Log(p.Value)).ToArray();
        var starts = warmStart is null ? Grid.Points() : [warmStart.InternalVector.ToArray()];
        var result = MultiStartMinimizer.Minimize(x => Objective(x, logN, logD, logL), starts);
        var v = result.Minimizer;
        var parameters = new Dictionary<string, double>
        {
            ["E"] = Math.Exp(v[2]),
            ["A"] = Math.Exp(v[0]),
            ["B"] = Math.Exp(v[1]),
            ["alpha"] = v[3],
            ["beta"] = v[4],
        };
        return new LawFit(Name, points.Count, parameters, result.Value, v);
    }

    public double Predict(LawFit fit, LawPoint point) =>
        fit["E"] + fit["A"] / Math.Pow(point.ModelSize, fit["alpha"]) + fit["B"] / Math.Pow(point.Tokens, fit["beta"]);

    /// <summary>
    /// Compute-optimal allocation under C = 6·N·D (Hoffmann et al. eq. 4): N_opt = G·(C/6)^(beta/(alpha+beta)),
    /// D_opt = (C/6)/N_opt, with G = (alpha·A / (beta·B))^(1/(alpha+beta)).
    /// </summary>
    public static (double ModelSize, double Tokens) ComputeOptimalAllocation(LawFit fit, double compute)
    {
        double alpha = fit["alpha"], beta = fit["beta"];
        var g = Math.Pow(alpha * fit["A"] / (beta * fit["B"]), 1 / (alpha + beta));
        var modelSize = g * Math.Pow(compute / 6, beta / (alpha + beta));
        return (modelSize, compute / 6 / modelSize);
    }

    /// <summary>Loss on the compute-optimal frontier: L(N_opt(C), D_opt(C)).</summary>
    public double OptimalLoss(LawFit fit, double compute)
    {
        var (n, d) = ComputeOptimalAllocation(fit, compute);
        return Predict(fit, new LawPoint(compute, double.NaN, n, d));
    }

    public IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points)
    {
        double alpha = fit["alpha"], beta = fit["beta"];
        var maxCompute = points.Max(p => p.Compute);
        var (n, d) = ComputeOptimalAllocation(fit, maxCompute);
        return new Dictionary<string, double>
        {
            ["N_opt_exponent"] = beta / (alpha + beta),
            ["D_opt_exponent"] = alpha / (alpha + beta),
            ["N_opt@C_max"] = n,
            ["D_opt@C_max"] = d,
            ["tokens_per_param@C_max"] = d / n,
        };
    }

    /// <summary>E, A and B are searched as ln E, ln A, ln B: their range is (0, ∞), and each sits at 0 when its term vanishes at every point.</summary>
    public double? SearchBoundAt(LawFit fit, string parameter, IReadOnlyList<LawPoint> points) => parameter switch
    {
        "E" => SearchBounds.AtZero(points, _ => fit["E"]),
        "A" => SearchBounds.AtZero(points, p => fit["A"] / Math.Pow(p.ModelSize, fit["alpha"])),
        "B" => SearchBounds.AtZero(points, p => fit["B"] / Math.Pow(p.Tokens, fit["beta"])),
        _ => null,
    };

    public void Validate(IReadOnlyList<LawPoint> points, string source)
    {
        PointValidation.RequireCount(points, MinimumPoints, Name, source);
        PointValidation.RequirePositiveFinite(points, p => p.ModelSize, "N (model size)", source);
        PointValidation.RequirePositiveFinite(points, p => p.Tokens, "D (tokens)", source);
        PointValidation.RequirePositiveFinite(points, p => p.Value, "loss", source);
        // A and alpha (B and beta) are only identified when N (D) varies.
        if (points.Select(p => p.ModelSize).Distinct().Count() < 2 || points.Select(p => p.Tokens).Distinct().Count() < 2)
            throw new BadInputException(source, "N, D", "the chinchilla law needs at least 2 distinct model sizes and 2 distinct token counts",
                "train more model sizes and/or token budgets, or fit loss-compute instead");
    }

    private (double, double[]) Objective(double[] x, double[] logN, double[] logD, double[] logL)
    {
        double a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
        var gradient = new double[5];
        var total = 0.0;
        for (var i = 0; i < logL.Length; i++)
        {
            var t1 = a - alpha * logN[i];
            var t2 = b - beta * logD[i];
            var max = Math.Max(e, Math.Max(t1, t2));
            double w1 = Math.Exp(t1 - max), w2 = Math.Exp(t2 - max), w3 = Math.Exp(e - max);
            var sum = w1 + w2 + w3;
            var residual = max + Math.Log(sum) - logL[i];
            total += HuberLoss.Value(residual, huberDelta);
            var slope = HuberLoss.Derivative(residual, huberDelta) / sum;
            gradient[0] += slope * w1;
            gradient[1] += slope * w2;
            gradient[2] += slope * w3;
            gradient[3] -= slope * w1 * logN[i];
            gradient[4] -= slope * w2 * logD[i];
        }
        return (total, gradient);
    }
}
