using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearRegression;
using MathNet.Numerics.Optimization;
using MathNet.Numerics.Statistics;
using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Inflection;

/// <summary>
/// Segmented (hinge) regression. For a fixed breakpoint the model is linear, so the breakpoint is found by
/// profiling: least squares (MathNet QR) on a grid of breakpoints between the second-smallest and second-largest
/// distinct x, refined by golden-section search around the best grid cell.
/// </summary>
public static class HingeRegression
{
    /// <summary>Four parameters plus at least two residual degrees of freedom.</summary>
    public const int MinimumPoints = 6;

    public const int MinimumDistinctX = 4;

    public static HingeFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var distinct = x.Distinct().Order().ToArray();
        if (distinct.Length < MinimumDistinctX) throw new ArgumentException($"need ≥ {MinimumDistinctX} distinct x values");
        double low = distinct[1], high = distinct[^2];
        const int gridSize = 60;
        var grid = Enumerable.Range(0, gridSize + 1).Select(i => low + (high - low) * i / gridSize).ToArray();
        var sse = grid.Select(b => SumOfSquares(x, y, b)).ToArray();
        var best = Array.IndexOf(sse, sse.Min());
        double left = grid[Math.Max(0, best - 1)], right = grid[Math.Min(gridSize, best + 1)];
        var breakpoint = grid[best];
        if (right > left)
        {
            // The golden-section search may probe outside its bracket; clamping keeps both segments populated.
            var refined = GoldenSectionMinimizer.Minimum(
                ObjectiveFunction.ScalarValue(b => SumOfSquares(x, y, Math.Clamp(b, low, high))), left, right, 1e-8 * (1 + Math.Abs(right)));
            if (refined.FunctionInfoAtMinimum.Value <= sse[best]) breakpoint = Math.Clamp(refined.MinimizingPoint, low, high);
        }
        var coefficients = Solve(x, y, breakpoint);
        return new HingeFit(coefficients[0], coefficients[1], coefficients[2], breakpoint, SumOfSquares(x, y, breakpoint));
    }

    public static InflectionAnalysis Analyze(string group, string xLabel, IReadOnlyList<double> x, IReadOnlyList<double> y, int bootstrap, long seed)
    {
        if (x.Count < MinimumPoints) throw new ArgumentException($"need ≥ {MinimumPoints} points");
        var fit = Fit(x, y);
        var (intercept, slope) = MathNet.Numerics.Fit.Line([.. x], [.. y]);
        var linear = x.Zip(y, (xi, yi) => Math.Pow(yi - intercept - slope * xi, 2)).Sum();
        var n = x.Count;
        var f = FStatistic(linear, fit.SumOfSquares, n);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));

        // p-value: how often straight-line data with the fitted noise level give an F at least this large.
        var simulations = Math.Max(bootstrap, 99);
        var sigma = Math.Sqrt(linear / (n - 2));
        var atLeast = 0;
        for (var s = 0; s < simulations; s++)
        {
            var simulated = x.Select(xi => intercept + slope * xi + sigma * Gaussian(random)).ToArray();
            var (a0, b0) = MathNet.Numerics.Fit.Line([.. x], simulated);
            var nullLinear = x.Zip(simulated, (xi, yi) => Math.Pow(yi - a0 - b0 * xi, 2)).Sum();
            if (FStatistic(nullLinear, Fit(x, simulated).SumOfSquares, n) >= f) atLeast++;
        }
        var pValue = (1.0 + atLeast) / (1.0 + simulations);

        // Intervals: refit on resampled points.
        var breakpoints = new List<double>();
        var before = new List<double>();
        var after = new List<double>();
        for (var r = 0; r < bootstrap; r++)
        {
            var idx = Enumerable.Range(0, n).Select(_ => random.Next(n)).ToArray();
            var rx = idx.Select(i => x[i]).ToArray();
            if (rx.Distinct().Count() < MinimumDistinctX) continue;
            var refit = Fit(rx, [.. idx.Select(i => y[i])]);
            breakpoints.Add(refit.Breakpoint);
            before.Add(refit.SlopeBefore);
            after.Add(refit.SlopeAfter);
        }
        return new InflectionAnalysis(group, xLabel, n, fit, linear,
            Estimate("breakpoint", fit.Breakpoint, breakpoints),
            Estimate("slope_before", fit.SlopeBefore, before),
            Estimate("slope_after", fit.SlopeAfter, after),
            f, pValue, simulations, [.. x], [.. y]);
    }

    private static double FStatistic(double linearSse, double hingeSse, int n) =>
        (linearSse - hingeSse) / 2 / Math.Max(hingeSse / (n - 4), 1e-300);

    private static ParameterEstimate Estimate(string name, double value, List<double> samples) =>
        samples.Count == 0
            ? new ParameterEstimate(name, value, double.NaN, double.NaN)
            : new ParameterEstimate(name, value, Statistics.Quantile(samples, 0.025), Statistics.Quantile(samples, 0.975));

    private static double[] Solve(IReadOnlyList<double> x, IReadOnlyList<double> y, double breakpoint)
    {
        var design = Matrix<double>.Build.Dense(x.Count, 3, (i, j) => j switch
        {
            0 => 1,
            1 => x[i],
            _ => Math.Max(0, x[i] - breakpoint),
        });
        return MultipleRegression.QR(design, Vector<double>.Build.DenseOfEnumerable(y)).ToArray();
    }

    private static double SumOfSquares(IReadOnlyList<double> x, IReadOnlyList<double> y, double breakpoint)
    {
        var c = Solve(x, y, breakpoint);
        var total = 0.0;
        for (var i = 0; i < x.Count; i++)
        {
            var r = y[i] - c[0] - c[1] * x[i] - c[2] * Math.Max(0, x[i] - breakpoint);
            total += r * r;
        }
        return total;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
