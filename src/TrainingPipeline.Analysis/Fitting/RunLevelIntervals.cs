using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>How the run-level interval is built when a group has ≥ 3 runs with several points each.</summary>
public enum RunIntervalMethod
{
    /// <summary>Leave-one-run-out jackknife standard error, Student t with (runs − 1) degrees of freedom (the default: the calibration harness chose it).</summary>
    JackknifeT,

    /// <summary>Percentile bootstrap over runs; kept so the calibration harness can show that it under-covers with 3–5 runs.</summary>
    PercentileBootstrap,
}

/// <summary>
/// The uncertainty of a fitted law: 95% intervals, what was resampled to get them (<see cref="ResamplingUnit"/>:
/// <c>run</c>, <c>points</c> or <c>none</c>), the method, the number of runs, the evaluation-noise standard errors
/// (computed when there are fewer than 3 runs, where they are all there is), and a note when there is no interval or the interval rests on an assumption the data may break.
/// </summary>
public sealed record LawUncertainty(
    IReadOnlyDictionary<string, (double Low, double High)> Intervals,
    IReadOnlyDictionary<string, double> EvalStdErrors,
    string ResamplingUnit,
    string Method,
    int Runs,
    int Requested,
    int Succeeded,
    string? Note);

/// <summary>Points fitted after a selection from a larger sweep (L(C)'s compute-efficient frontier): the sweep and how to select from it.</summary>
public sealed record PointSelection(IReadOnlyList<LawPoint> Sweep, Func<IReadOnlyList<LawPoint>, IReadOnlyList<LawPoint>> Select);

/// <summary>
/// Run-level uncertainty (docs/analysis.md, "Intervals"). The run (seed) is the unit of replication, because the
/// points of one run are evaluations of one evolving model on the same problems and are not independent:
/// <list type="bullet">
/// <item>points without a run id (an external table without <c>--col run=</c>): percentile bootstrap over points,
/// resampling unit <c>points</c>, with a warning;</item>
/// <item>fewer than 3 runs: no interval ("no run-level interval: n runs &lt; 3"), only the evaluation-noise
/// standard error;</item>
/// <item>≥ 3 runs (RL seeds of one configuration, several points each) or lineages (pre-training, often one point
/// each): leave-one-out jackknife with a Student t quantile on runs − 1 degrees of freedom (the calibration harness
/// measured the percentile bootstrap under-covering in both cases). Nothing is added for the problem set: each run is scored on
/// problems drawn from its own seed, so problem sampling (and the rows' <c>stderr</c>) is already part of the spread
/// over runs.</item>
/// </list>
/// </summary>
public static class RunLevelIntervals
{
    public const int MinimumRuns = 3;
    public const string Run = "run";
    public const string Points = "points";
    public const string None = "none";

    public const string Lineage = "lineage";

    public static string NoIntervalNote(int runs, string unit = Run) => $"no run-level interval: n {unit}s < {MinimumRuns} (have {runs})";

    public const string PointsWarning =
        "points were resampled as if independent, but points of one run are not: pass --col run=<column> to resample runs";

    /// <param name="unit">What one cluster of points is: <c>run</c> (RL seeds) or <c>lineage</c> (pre-training chains
    /// sharing a root run, whose checkpoints are not independent); it names the resampling unit and the notes.</param>
    /// <param name="selection">When the fitted points were selected from a larger sweep (L(C)'s compute-efficient frontier),
    /// the sweep and the selection: each leave-one-out refit then re-selects from the sweep without the left-out cluster
    /// (<see cref="ReselectedSubsets"/>), so the interval carries the selection's own variability.</param>
    public static LawUncertainty Compute(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit, int resamples, long seed,
        RunIntervalMethod method = RunIntervalMethod.JackknifeT, string unit = Run, PointSelection? selection = null)
    {
        var result = ComputeOverRuns(law, points, fit, resamples, seed, method, selection);
        if (unit == Run) return result;
        return result with
        {
            ResamplingUnit = result.ResamplingUnit == Run ? unit : result.ResamplingUnit,
            Method = result.Method.Replace("over runs", $"over {unit}s", StringComparison.Ordinal),
            Note = result.Note?.Replace("n runs <", $"n {unit}s <", StringComparison.Ordinal).Replace(" runs failed", $" {unit}s failed", StringComparison.Ordinal),
        };
    }

    private static LawUncertainty ComputeOverRuns(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit, int resamples, long seed,
        RunIntervalMethod method, PointSelection? selection)
    {
        if (points.Any(p => p.Cluster is null))
        {
            if (resamples == 0) return Empty(new Dictionary<string, double>(), None, 0, "intervals disabled (0 resamples)");
            var byPoint = PercentileBootstrap(law, points, fit, [.. points.Select(p => new[] { p })], resamples, seed);
            return byPoint with { ResamplingUnit = Points, Note = PointsWarning };
        }
        var runs = points.GroupBy(p => p.Cluster!).Select(g => g.ToArray()).ToArray();
        // The leave-one-out fits: the points without one cluster, or, for points selected from a sweep, the selection
        // remade from the sweep without one cluster (only the percentile bootstrap, kept for the harness, resamples the selected points).
        var leaveOneOut = selection is not null && method == RunIntervalMethod.JackknifeT && selection.Sweep.All(p => p.Cluster is not null)
            ? ReselectedSubsets(selection, points)
            : [.. runs.Select((_, i) => (IReadOnlyList<LawPoint>)[.. runs.Where((_, k) => k != i).SelectMany(r => r)])];
        if (leaveOneOut.Count < MinimumRuns)
        {
            // Without a run-level interval the evaluation-noise error is all that can be said (and says less).
            var evalErrors = resamples > 0 ? EvaluationNoise(law, points, fit, Math.Min(resamples, 100), seed) : new Dictionary<string, double>();
            return Empty(evalErrors, None, leaveOneOut.Count, NoIntervalNote(leaveOneOut.Count));
        }
        if (resamples == 0) return Empty(new Dictionary<string, double>(), None, leaveOneOut.Count, "intervals disabled (0 resamples)");
        // Jackknife-t also when every run (lineage) has one point: the percentile bootstrap over pre-training lineages
        // under-covered (85% at a nominal 95%), the jackknife-t is what the calibration harness supports.
        var overRuns = method == RunIntervalMethod.PercentileBootstrap
            ? PercentileBootstrap(law, points, fit, runs, resamples, seed)
            : JackknifeT(law, points, fit, leaveOneOut);
        return overRuns with { Runs = method == RunIntervalMethod.PercentileBootstrap ? runs.Length : leaveOneOut.Count };
    }

    /// <summary>
    /// The leave-one-cluster-out fitting sets of points selected from a sweep: for each cluster (lineage) of the sweep, the
    /// selection remade from the sweep without it. Leaving out a frontier lineage can expose a cell the full sweep hid (a
    /// new hull point), which a refit on the remaining selected points would never see. Clusters whose removal leaves the
    /// selection unchanged (a lineage off the frontier, which cannot move the lower hull) would only repeat the full
    /// estimate and add degrees of freedom it does not have; they are not units. A lineage off the frontier that does
    /// change it when left out (one seed of a replicated cell moving the cell's mean) is one.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<LawPoint>> ReselectedSubsets(PointSelection selection, IReadOnlyList<LawPoint> selected)
    {
        var chosen = selected.ToHashSet();
        var subsets = new List<IReadOnlyList<LawPoint>>();
        foreach (var cluster in selection.Sweep.GroupBy(p => p.Cluster!, StringComparer.Ordinal))
        {
            var rest = selection.Select([.. selection.Sweep.Where(p => p.Cluster != cluster.Key)]);
            if (!cluster.Any(chosen.Contains) && rest.ToHashSet().SetEquals(chosen)) continue;
            subsets.Add(rest);
        }
        return subsets;
    }

    private static LawUncertainty Empty(IReadOnlyDictionary<string, double> evalErrors, string unit, int runs, string note) =>
        new(new Dictionary<string, (double, double)>(), evalErrors, unit, "none", runs, 0, 0, note);

    private static LawUncertainty PercentileBootstrap(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit,
        LawPoint[][] groups, int resamples, long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var samples = new Dictionary<string, List<double>>();
        var succeeded = 0;
        for (var r = 0; r < resamples; r++)
        {
            var resample = new List<LawPoint>(points.Count);
            for (var k = 0; k < groups.Length; k++) resample.AddRange(groups[random.Next(groups.Length)]);
            if (resample.Select(p => p.Compute).Distinct().Count() < 2) continue;
            if (Refit(law, resample, points, fit) is not { } values) continue; // a degenerate resample is counted as failed
            succeeded++;
            foreach (var (name, value) in values)
            {
                if (!samples.TryGetValue(name, out var list)) samples[name] = list = [];
                list.Add(value);
            }
        }
        var intervals = samples.ToDictionary(
            kv => kv.Key,
            kv => (Statistics.Quantile(kv.Value, 0.025), Statistics.Quantile(kv.Value, 0.975)));
        return new LawUncertainty(intervals, new Dictionary<string, double>(), Run, "percentile bootstrap",
            groups.Length, resamples, succeeded, null);
    }

    private static LawUncertainty JackknifeT(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit, IReadOnlyList<IReadOnlyList<LawPoint>> subsets)
    {
        var full = fit.Parameters.Concat(law.Derived(fit, points)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var leaveOneOut = new List<IReadOnlyDictionary<string, double>>();
        foreach (var rest in subsets)
        {
            if (Refit(law, rest, points, fit) is { } values) leaveOneOut.Add(values.ToDictionary(kv => kv.Key, kv => kv.Value));
        }
        var method = "jackknife-t over runs";
        var g = subsets.Count;
        if (leaveOneOut.Count < g)
        {
            return new LawUncertainty(new Dictionary<string, (double, double)>(), new Dictionary<string, double>(), None, method,
                g, g, leaveOneOut.Count, $"no run-level interval: the fit without one of the {g} runs failed");
        }
        var t = StudentT.InvCDF(0, 1, g - 1, 0.975);
        var intervals = new Dictionary<string, (double, double)>();
        var rates = law.RateParameters(fit);
        foreach (var (name, estimate) in full)
        {
            // Rates get their interval on the logit scale and strictly positive quantities (scale parameters, and derived
            // ratios such as tokens per parameter) on the log scale, where the leave-one-out estimates are closer to
            // symmetric and the exponentiated interval cannot reach below 0.
            var logitScale = rates.Contains(name) && estimate is > 0 and < 1 && leaveOneOut.All(v => v[name] is > 0 and < 1);
            var logScale = !logitScale && law.ScaleParameters.Contains(name) && estimate > 0 && leaveOneOut.All(v => v[name] > 0);
            Func<double, double> to = logitScale ? v => Math.Log(v / (1 - v)) : logScale ? Math.Log : v => v;
            Func<double, double> from = logitScale ? v => 1 / (1 + Math.Exp(-v)) : logScale ? Math.Exp : v => v;
            var values = leaveOneOut.Select(v => to(v[name])).ToArray();
            var mean = values.Average();
            var jackknifeVariance = (g - 1.0) / g * values.Sum(v => (v - mean) * (v - mean));
            // No problem-level term is added: the evaluator draws each run's problems from its own seed, so problem
            // sampling and the rows' stderr are already inside the spread over runs (adding them would count them twice).
            var halfWidth = t * Math.Sqrt(jackknifeVariance);
            intervals[name] = (from(to(estimate) - halfWidth), from(to(estimate) + halfWidth));
        }
        return new LawUncertainty(intervals, new Dictionary<string, double>(), Run, method, g, g, g, null);
    }

    /// <summary>
    /// The spread of the estimates when only the evaluation noise is redrawn: each score moves by its own standard
    /// error (independent draws), the fit is repeated, and the standard deviation of each estimate is reported.
    /// Empty when no point carries a standard error.
    /// </summary>
    public static IReadOnlyDictionary<string, double> EvaluationNoise(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit,
        int draws, long seed)
    {
        if (!points.Any(p => double.IsFinite(p.StdError) && p.StdError > 0)) return new Dictionary<string, double>();
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))) + 1);
        var samples = new Dictionary<string, List<double>>();
        for (var d = 0; d < draws; d++)
        {
            var noisy = points.Select(p => double.IsFinite(p.StdError) && p.StdError > 0 ? p with { Value = p.Value + p.StdError * Gaussian(random) } : p).ToList();
            if (Refit(law, noisy, points, fit) is not { } values) continue;
            foreach (var (name, value) in values)
            {
                if (!samples.TryGetValue(name, out var list)) samples[name] = list = [];
                list.Add(value);
            }
        }
        return samples.Where(kv => kv.Value.Count >= 2).ToDictionary(kv => kv.Key, kv => kv.Value.StandardDeviation());
    }

    private static List<KeyValuePair<string, double>>? Refit(IScalingLaw law, IReadOnlyList<LawPoint> subset,
        IReadOnlyList<LawPoint> allPoints, LawFit fit)
    {
        try
        {
            var refit = law.Fit(subset, warmStart: fit);
            var values = refit.Parameters.Concat(law.Derived(refit, allPoints)).ToList();
            return values.All(kv => double.IsFinite(kv.Value)) ? values : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
