using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>Points drawn from known laws with Gaussian noise, for parameter-recovery and coverage tests.</summary>
internal static class SyntheticData
{
    public static readonly Dictionary<string, double> ChinchillaTruth =
        new() { ["E"] = 1.8, ["A"] = 480, ["B"] = 2000, ["alpha"] = 0.35, ["beta"] = 0.37 };

    public static readonly Dictionary<string, double> LossComputeTruth = new() { ["E"] = 2.0, ["A"] = 200, ["alpha"] = 0.15 };

    public static readonly Dictionary<string, double> LogLinearTruth = new() { ["a"] = -1.0, ["b"] = 0.1 };

    public static readonly Dictionary<string, double> SigmoidTruth =
        new() { ["R0"] = 0.05, ["A"] = 0.8, ["B"] = 1.2, ["C_mid"] = 1e15 };

    /// <summary>6 model sizes × 5 token counts; multiplicative noise on the loss (sd in log-loss).</summary>
    public static List<LawPoint> Chinchilla(int seed, double logNoise = 0.01)
    {
        var random = new Random(seed);
        var t = ChinchillaTruth;
        var points = new List<LawPoint>();
        foreach (var n in LogSpace(1e7, 1e9, 6))
            foreach (var d in LogSpace(1e8, 1e10, 5))
            {
                var loss = t["E"] + t["A"] / Math.Pow(n, t["alpha"]) + t["B"] / Math.Pow(d, t["beta"]);
                points.Add(new LawPoint(6 * n * d, loss * Math.Exp(logNoise * Gaussian(random)), n, d));
            }
        return points;
    }

    public static List<LawPoint> LossCompute(int seed, int count = 16, double logNoise = 0.01)
    {
        var random = new Random(seed);
        var t = LossComputeTruth;
        return [.. LogSpace(1e15, 1e21, count).Select(c =>
            new LawPoint(c, (t["E"] + t["A"] * Math.Pow(c, -t["alpha"])) * Math.Exp(logNoise * Gaussian(random))))];
    }

    public static List<LawPoint> LogLinear(int seed, int count = 20, double noise = 0.02)
    {
        var random = new Random(seed);
        var t = LogLinearTruth;
        return [.. LogSpace(1e12, 1e18, count).Select(c =>
            new LawPoint(c, t["a"] + t["b"] * Math.Log10(c) + noise * Gaussian(random)))];
    }

    public static List<LawPoint> Sigmoid(int seed, int count = 25, double noise = 0.03)
    {
        var random = new Random(seed);
        var t = SigmoidTruth;
        return [.. LogSpace(1e12, 1e18, count).Select(c =>
            new LawPoint(c, t["R0"] + (t["A"] - t["R0"]) / (1 + Math.Pow(t["C_mid"] / c, t["B"])) + noise * Gaussian(random)))];
    }

    public static IEnumerable<double> LogSpace(double from, double to, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Pow(10, Math.Log10(from) + i * (Math.Log10(to) - Math.Log10(from)) / (count - 1)));

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
