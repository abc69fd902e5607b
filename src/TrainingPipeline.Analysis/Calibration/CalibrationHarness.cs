using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;

namespace TrainingPipeline.Analysis.Calibration;

/// <summary>
/// Runs the real analysis code (<see cref="LawAnalysis"/>, <see cref="HingeRegression"/>, <see cref="LawComparison"/>)
/// on many simulated data sets whose truth is known, and counts how often its intervals cover the truth, how often
/// it reports an effect that is not there, and how often the backtest picks the law that generated the data
/// (docs/analysis.md, "Calibration"). Seeded: the same arguments give the same rates.
/// </summary>
public static class CalibrationHarness
{
    /// <summary>The log-linear truth: score = a + b·log10 C, rising from 0.37 to 0.57 over the part of the runs that is fitted.</summary>
    public static readonly IReadOnlyDictionary<string, double> LogLinearTruth = new Dictionary<string, double> { ["a"] = -2.3, ["b"] = 0.2 };

    /// <summary>The sigmoid truth: rises from 0.1 towards 0.7, midpoint at step 40, saturating over the second half.</summary>
    public static readonly IReadOnlyDictionary<string, double> SigmoidTruth =
        new Dictionary<string, double> { ["R0"] = 0.1, ["A"] = 0.7, ["B"] = 2.0, ["C_mid"] = 4e13 };

    public static double LogLinear(double compute) => LogLinearTruth["a"] + LogLinearTruth["b"] * Math.Log10(compute);

    public static double Sigmoid(double compute) =>
        SigmoidTruth["R0"] + (SigmoidTruth["A"] - SigmoidTruth["R0"]) / (1 + Math.Pow(SigmoidTruth["C_mid"] / compute, SigmoidTruth["B"]));

    /// <summary>
    /// Per parameter: the fraction of data sets in which an interval was reported (<see cref="Reported"/>; the
    /// analysis withdraws intervals of parameters the data do not identify) and, of those, the fraction whose 95%
    /// interval covers the truth (<see cref="Covered"/>; NaN when none was reported).
    /// </summary>
    public sealed record CoverageResult(IReadOnlyDictionary<string, double> Covered, IReadOnlyDictionary<string, double> Reported)
    {
        public override string ToString() =>
            string.Join(", ", Covered.Select(kv => $"{kv.Key} {kv.Value:P1}" + (Reported[kv.Key] < 1 ? $" (reported in {Reported[kv.Key]:P1})" : "")));
    }

    public static CoverageResult Coverage(IScalingLaw law, Func<double, double> truthCurve,
        IReadOnlyDictionary<string, double> truth, SimulationDesign design, int dataSets, int seed,
        RunIntervalMethod method = RunIntervalMethod.JackknifeT)
    {
        var covered = truth.Keys.ToDictionary(k => k, _ => 0);
        var reported = truth.Keys.ToDictionary(k => k, _ => 0);
        var options = new FitOptions(Bootstrap: 200, Seed: seed, BacktestFraction: 0, IntervalMethod: method);
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(seed * 100_003 + d);
            var (points, stepZero) = Split(SimulatedRlResults.Generate(truthCurve, design, random));
            var fitted = LawAnalysis.Run(law, points, "simulated", options with { Seed = d }, "simulation", stepZero);
            foreach (var (name, value) in truth)
            {
                var estimate = fitted.Parameter(name);
                if (!double.IsFinite(estimate.CiLow)) continue;
                reported[name]++;
                if (estimate.Covers(MeasuredTruth(name, value, design))) covered[name]++;
            }
        }
        return new CoverageResult(
            covered.ToDictionary(kv => kv.Key, kv => reported[kv.Key] > 0 ? (double)kv.Value / reported[kv.Key] : double.NaN),
            reported.ToDictionary(kv => kv.Key, kv => (double)kv.Value / dataSets));
    }

    /// <summary>
    /// The simulated evaluations split into the points the RL laws are fitted to and the step-0 evaluations (empty
    /// unless <see cref="SimulationDesign.EvaluateStepZero"/>), which the analysis stage passes the same way.
    /// </summary>
    public static (List<LawPoint> Points, List<LawPoint> StepZero) Split(IReadOnlyList<SimulatedEvaluation> evaluations) =>
        ([.. evaluations.Where(e => e.Step > 0).Select(e => e.Point)], [.. evaluations.Where(e => e.Step == 0).Select(e => e.Point)]);

    /// <summary>
    /// What an interval must cover. A floor measured at step 0 estimates the expected pass rate over the problem pool
    /// at the law's R0, which the clamp to [0, 1] lifts above R0 near 0 (<see cref="SimulatedRlResults.ExpectedPassRate"/>:
    /// 0.1125 for R0 = 0.1); every other parameter's truth is the law's own.
    /// </summary>
    public static double MeasuredTruth(string name, double value, SimulationDesign design) =>
        name == "R0" && design.EvaluateStepZero ? SimulatedRlResults.ExpectedPassRate(value, design.ProblemSpread) : value;

    /// <summary>Under a flat truth (zero slope): fraction of data sets whose slope interval excludes zero.</summary>
    public static double SlopeFalsePositiveRate(SimulationDesign design, int dataSets, int seed,
        RunIntervalMethod method = RunIntervalMethod.JackknifeT)
    {
        var law = new RlLogLinearLaw();
        var options = new FitOptions(Bootstrap: 200, Seed: seed, BacktestFraction: 0, IntervalMethod: method);
        var excluded = 0;
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(seed * 100_003 + d);
            var (points, _) = Split(SimulatedRlResults.Generate(_ => 0.45, design, random));
            var slope = LawAnalysis.Run(law, points, "simulated", options with { Seed = d }, "simulation").Parameter("b");
            // A failed fit (no finite interval) counts as a false positive, so failures cannot make the rate look better.
            if (!(slope.CiLow <= 0 && slope.CiHigh >= 0)) excluded++;
        }
        return (double)excluded / dataSets;
    }

    /// <summary>
    /// The break truth of the hinge's power measurement: the log-linear truth up to <see cref="BreakStep"/> (log10 C =
    /// 13.78, the 6th of 20 evaluations), then its slope changed by <paramref name="slopeChange"/> per decade (−0.2: the
    /// 0.2-per-decade rise stops flat).
    /// </summary>
    public static Func<double, double> HingeTruth(double slopeChange) =>
        c => LogLinear(c) + slopeChange * Math.Max(0, Math.Log10(c) - BreakLog10Compute);

    public const int BreakStep = 60;

    public static readonly double BreakLog10Compute = Math.Log10(1e12 * BreakStep);

    /// <summary>The hinge test over simulated data sets: how often p &lt; 0.05, how often a breakpoint interval is reported, and how often a reported one covers the true break.</summary>
    public sealed record HingeRates(double Significant, double BreakpointReported, double BreakpointCovered, double MinimumP)
    {
        public override string ToString() =>
            $"p < 0.05 in {Significant:P1}; breakpoint interval reported in {BreakpointReported:P1}, covering the true break in {BreakpointCovered:P1} of those; smallest p {MinimumP:G3}";
    }

    /// <summary>The hinge test along compute on data sets from <paramref name="truth"/> (a straight line for its size, <see cref="HingeTruth"/> for its power).</summary>
    public static HingeRates Hinge(Func<double, double> truth, SimulationDesign design, int dataSets, int seed, HingeNull method = HingeNull.CrossFittedSlopeChangeT,
        int nullSimulations = 49)
    {
        int significant = 0, reported = 0, covered = 0;
        var minimumP = 1.0;
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(seed * 100_003 + d);
            // Step 0 sits at zero compute, off the log axis: the stage leaves it out of the hinge test too.
            var evaluations = SimulatedRlResults.Generate(truth, design, random).Where(e => e.Step > 0).ToList();
            var analysis = HingeRegression.AnalyzeRuns("simulated", "log10 compute", [.. evaluations.Select(e => e.RunId)],
                [.. evaluations.Select(e => (long)e.Step)], [.. evaluations.Select(e => Math.Log10(e.Point.Compute))],
                [.. evaluations.Select(e => e.Point.Value)], nullSimulations, d, method);
            minimumP = Math.Min(minimumP, analysis.PValue);
            // A test that gave no p counts as significant: under a null, failures must not make the size look better.
            if (analysis.BreakIsSignificant || !double.IsFinite(analysis.PValue)) significant++;
            if (!double.IsFinite(analysis.Breakpoint.CiLow)) continue;
            reported++;
            if (analysis.Breakpoint.Covers(BreakLog10Compute)) covered++;
        }
        return new HingeRates((double)significant / dataSets, (double)reported / dataSets, reported > 0 ? (double)covered / reported : double.NaN, minimumP);
    }

    /// <summary>
    /// Under the sigmoid truth (a correct model): the fraction of data sets whose sigmoid fit is marked failed, and the
    /// fraction whose ceiling is reported as not determined (fewer than 3 runs).
    /// </summary>
    public static (double Failed, double Undetermined) SigmoidFalseFailure(SimulationDesign design, int dataSets, int seed)
    {
        int failed = 0, undetermined = 0;
        var options = new FitOptions(Bootstrap: 10, Seed: seed, BacktestFraction: 0); // few redraws: the failure rule does not use the evaluation-noise error
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(seed * 100_003 + d);
            var (points, stepZero) = Split(SimulatedRlResults.Generate(Sigmoid, design, random));
            var fitted = LawAnalysis.Run(new RlSigmoidLaw(), points, "simulated", options with { Seed = d }, "simulation", stepZero);
            if (fitted.Failed) failed++;
            if (fitted.IntervalNote?.Contains("ceiling not determined", StringComparison.Ordinal) == true) undetermined++;
        }
        return ((double)failed / dataSets, (double)undetermined / dataSets);
    }

    /// <summary>How often the backtest prefers the true law, the wrong law, or neither, over data sets from <paramref name="truth"/>.</summary>
    public sealed record Preference(double True, double Wrong, double None, double TrueByNonOverlap);

    public static Preference BacktestPreference(bool sigmoidIsTrue, SimulationDesign design, int dataSets, int seed)
    {
        int right = 0, wrong = 0, rightByNonOverlap = 0;
        var options = new FitOptions(Bootstrap: 200, Seed: seed);
        var trueLaw = sigmoidIsTrue ? RlSigmoidLaw.LawName : RlLogLinearLaw.LawName;
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(seed * 100_003 + d);
            var (points, stepZero) = Split(SimulatedRlResults.Generate(sigmoidIsTrue ? Sigmoid : LogLinear, design, random));
            var linear = LawAnalysis.Run(new RlLogLinearLaw(), points, "simulated", options with { Seed = d }, "simulation", stepZero);
            var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "simulated", options with { Seed = d }, "simulation", stepZero);
            var verdict = LawComparison.Compare(linear, sigmoid);
            if (LawComparison.PreferredByNonOverlap(linear, sigmoid) == trueLaw) rightByNonOverlap++;
            if (verdict.Preferred == trueLaw) right++;
            else if (verdict.Preferred is not null) wrong++;
        }
        return new Preference((double)right / dataSets, (double)wrong / dataSets, (double)(dataSets - right - wrong) / dataSets,
            (double)rightByNonOverlap / dataSets);
    }
}
