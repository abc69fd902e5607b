namespace TrainingPipeline.Analysis.Fitting;

/// <summary>Fit + bootstrap intervals + backtest for one law on one group of points.</summary>
public static class LawAnalysis
{
    public static FittedLaw Run(IScalingLaw law, IReadOnlyList<LawPoint> points, string group, FitOptions options, string source)
    {
        law.Validate(points, source);
        var fit = law.Fit(points);
        var derived = law.Derived(fit, points);
        var bootstrap = options.Bootstrap > 0
            ? BootstrapIntervals.Compute(law, points, fit, options.Bootstrap, options.Seed)
            : new BootstrapIntervals.Result(new Dictionary<string, (double, double)>(), 0, 0, "none");
        string? note = "backtest disabled (fraction 0)";
        var backtest = options.BacktestFraction > 0 ? Backtest.Run(law, points, options.BacktestFraction, out note) : null;
        return new FittedLaw(
            law.Name, group, fit,
            [.. fit.Parameters.Select(kv => Estimate(kv.Key, kv.Value, bootstrap))],
            [.. derived.Select(kv => Estimate(kv.Key, kv.Value, bootstrap))],
            bootstrap.Requested, bootstrap.Succeeded, bootstrap.ResamplingUnit, backtest, note);
    }

    private static ParameterEstimate Estimate(string name, double value, BootstrapIntervals.Result bootstrap) =>
        bootstrap.Intervals.TryGetValue(name, out var ci)
            ? new ParameterEstimate(name, value, ci.Low, ci.High)
            : new ParameterEstimate(name, value, double.NaN, double.NaN);
}
