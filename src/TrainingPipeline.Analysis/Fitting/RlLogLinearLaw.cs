using MathNet.Numerics;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>score = a + b·log10 C, by ordinary least squares (objective: half the residual sum of squares).</summary>
public sealed class RlLogLinearLaw : IScalingLaw
{
    public const string LawName = "rl-loglinear";

    public string Name => LawName;
    public IReadOnlyList<string> ParameterNames { get; } = ["a", "b"];
    public int MinimumPoints => 3;

    public LawFit Fit(IReadOnlyList<LawPoint> points, LawFit? warmStart = null)
    {
        var x = points.Select(p => Math.Log10(p.Compute)).ToArray();
        var y = points.Select(p => p.Value).ToArray();
        var (intercept, slope) = MathNet.Numerics.Fit.Line(x, y);
        if (!double.IsFinite(intercept) || !double.IsFinite(slope))
        {
            // All points at one compute value: the slope is not identified.
            throw new ArgumentException("rl-loglinear needs at least two distinct compute values");
        }
        var objective = 0.5 * x.Zip(y, (xi, yi) => Math.Pow(yi - intercept - slope * xi, 2)).Sum();
        var parameters = new Dictionary<string, double> { ["a"] = intercept, ["b"] = slope };
        return new LawFit(Name, points.Count, parameters, objective, [intercept, slope]);
    }

    public double Predict(LawFit fit, LawPoint point) => fit["a"] + fit["b"] * Math.Log10(point.Compute);

    public IReadOnlyDictionary<string, double> Derived(LawFit fit, IReadOnlyList<LawPoint> points) =>
        new Dictionary<string, double>();

    public void Validate(IReadOnlyList<LawPoint> points, string source)
    {
        PointValidation.RequireCount(points, MinimumPoints, Name, source);
        PointValidation.RequirePositiveFinite(points, p => p.Compute, "C (compute)", source);
        PointValidation.RequireFinite(points, p => p.Value, "score", source);
        PointValidation.RequireDistinctCompute(points, 2, Name, source);
    }
}
