using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Runs MathNet's L-BFGS from each starting point and keeps the lowest objective. A start whose line search fails
/// (common with the almost-L1 Huber objective) still contributes the best point it evaluated, as scipy's L-BFGS-B
/// would return its last iterate instead of raising.
/// </summary>
public static class MultiStartMinimizer
{
    public sealed record Result(double[] Minimizer, double Value, int StartsTried);

    public static Result Minimize(
        Func<double[], (double Value, double[] Gradient)> objective,
        IEnumerable<double[]> starts,
        int maximumIterations = 1000)
    {
        double[]? best = null;
        var bestValue = double.PositiveInfinity;
        var tried = 0;
        foreach (var start in starts)
        {
            tried++;
            var tracker = new BestPointTracker(objective);
            var function = ObjectiveFunction.Gradient(tracker.Evaluate);
            var minimizer = new LimitedMemoryBfgsMinimizer(1e-10, 1e-12, 1e-14, 10, maximumIterations);
            try
            {
                minimizer.FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
            }
            catch (Exception e) when (e is OptimizationException or ArithmeticException or MaximumIterationsException)
            {
                // Keep the best point evaluated so far (recorded by the tracker).
            }
            if (tracker.BestValue < bestValue)
            {
                bestValue = tracker.BestValue;
                best = tracker.BestPoint;
            }
        }
        if (best is null) throw new InvalidOperationException("No starting point gave a finite objective.");
        return new Result(best, bestValue, tried);
    }

    private sealed class BestPointTracker(Func<double[], (double Value, double[] Gradient)> objective)
    {
        public double BestValue { get; private set; } = double.PositiveInfinity;
        public double[]? BestPoint { get; private set; }

        public (double, Vector<double>) Evaluate(Vector<double> x)
        {
            var point = x.ToArray();
            var (value, gradient) = objective(point);
            if (!double.IsFinite(value) || gradient.Any(g => !double.IsFinite(g)))
                return (double.MaxValue, Vector<double>.Build.Dense(point.Length));
            if (value < BestValue)
            {
                BestValue = value;
                BestPoint = point;
            }
            return (value, Vector<double>.Build.DenseOfArray(gradient));
        }
    }
}
