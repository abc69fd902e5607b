using TrainingPipeline.Analysis.Calibration;
using TrainingPipeline.Analysis.Fitting;
using Xunit.Abstractions;

namespace TrainingPipeline.Analysis.Tests.Calibration;

/// <summary>
/// The calibration harness in CI: the real analysis on 100–400 simulated data sets per claim, seeded
/// (docs/analysis.md, "Calibration"). The longer version is <c>bench/calibration.sh</c>.
/// </summary>
public class CalibrationTests(ITestOutputHelper output)
{
    private static int DataSets => CalibrationScale.DataSets;

    /// <summary>The documented minimum design: 4 seeds, 20 evaluations per run, 200 problems, 8 samples each.</summary>
    private static readonly SimulationDesign Design = new();

    [Fact]
    public void LogLinearIntervalsCoverTheTruth()
    {
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth, Design, DataSets, seed: 1);
        output.WriteLine(coverage.ToString());
        Assert.All(coverage.Covered, kv => Assert.InRange(kv.Value, 0.90, 0.99));
        Assert.All(coverage.Reported, kv => Assert.Equal(1.0, kv.Value));
    }

    [Fact]
    public void SigmoidIntervalsCoverTheTruth()
    {
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth, Design, DataSets, seed: 2);
        output.WriteLine(coverage.ToString());
        // The floor R0 lies below every fitted point once the early regime is left out; where the fits put it on the
        // boundary at 0 its interval is withdrawn ("not identified"), and what is still reported must be calibrated.
        // Before that rule R0's intervals covered ~75% (docs/analysis.md).
        // Measured at 200 data sets: R0 reported in 41%, covering 84.1% of those (short of 90%: documented).
        Assert.All(coverage.Covered.Where(kv => kv.Key != "R0"), kv => Assert.InRange(kv.Value, 0.90, 0.99));
        Assert.All(coverage.Reported.Where(kv => kv.Key != "R0"), kv => Assert.Equal(1.0, kv.Value));
        Assert.InRange(coverage.Covered["R0"], 0.80, 0.99);
        Assert.InRange(coverage.Reported["R0"], 0.2, 0.6);
    }

    [Fact]
    public void PercentileBootstrapOverFewRunsUnderCovers()
    {
        // The textbook choice the harness rejected: resampling 3 runs with replacement gives intervals far too narrow.
        var design = Design with { Runs = 3 };
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth, design, DataSets, seed: 3,
            RunIntervalMethod.PercentileBootstrap);
        output.WriteLine(coverage.ToString());
        Assert.True(coverage.Covered["b"] < 0.90, $"percentile bootstrap over 3 runs covered b in {coverage.Covered["b"]:P1}");
    }

    [Fact]
    public void FlatTruthRarelyGivesASlopeIntervalExcludingZero()
    {
        // A nominal 95% interval should exclude a true zero slope in 5% of data sets. An observed rate is itself noisy
        // (400 data sets: ±2.2 points), so the test fails only when the data show the rate is above 5%: when the
        // one-sided 95% Clopper–Pearson lower bound of the rate exceeds 5% — not when the point estimate does.
        var dataSets = 2 * DataSets;
        var rate = CalibrationHarness.SlopeFalsePositiveRate(Design with { Runs = 3 }, dataSets, seed: 4);
        var lowerBound = BinomialLowerBound((int)Math.Round(rate * dataSets), dataSets);
        output.WriteLine($"slope interval excludes zero: {rate:P1} (one-sided 95% lower bound {lowerBound:P1})");
        Assert.True(lowerBound <= 0.05, $"false-positive rate {rate:P1}; its 95% lower bound {lowerBound:P1} exceeds 5%");
    }

    [Theory]
    [InlineData(0, 400, 0.0)]
    [InlineData(20, 400, 0.03338)]
    [InlineData(32, 400, 0.05882)]
    public void BinomialLowerBoundIsClopperPearson(int successes, int trials, double expected) =>
        Assert.Equal(expected, BinomialLowerBound(successes, trials), 5); // checked against the binomial tail sum

    /// <summary>One-sided 95% Clopper–Pearson lower bound of a binomial rate.</summary>
    internal static double BinomialLowerBound(int successes, int trials) =>
        successes == 0 ? 0 : MathNet.Numerics.Distributions.Beta.InvCDF(successes, trials - successes + 1, 0.05);

    [Fact]
    public void EachSimulatedRunScoresItsOwnProblems()
    {
        // As the pipeline's evaluator does (problems seeded from the run seed): with a flat truth, no run-level walk
        // and many samples per problem, what separates the runs' scores is which 5 problems each drew (s.d. ≈ 0.05);
        // runs sharing one problem set would differ only by sampling noise (s.d. ≈ 0.005).
        var design = new SimulationDesign(Runs: 12, Evaluations: 1, Problems: 5, SamplesPerProblem: 2000, RunWalkSd: 0);
        var scores = SimulatedRlResults.Generate(_ => 0.5, design, new Random(7)).Select(e => e.Point.Value).ToArray();
        var mean = scores.Average();
        var sd = Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / (scores.Length - 1));
        Assert.True(sd > 0.02, $"run-to-run s.d. {sd:G3}: the runs share their problems");
    }

}

/// <summary>The hinge test's false-positive rate on straight-line runs (its own class so xunit runs it beside the others).</summary>
public class HingeCalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void StraightLineRarelyGivesASignificantHinge()
    {
        var rate = CalibrationHarness.HingeFalsePositiveRate(new SimulationDesign(Runs: 3), CalibrationScale.DataSets, seed: 5, nullSimulations: CalibrationScale.NullSimulations);
        output.WriteLine($"hinge p < 0.05: {rate:P1}");
        Assert.InRange(rate, 0, 0.07);
    }

}

/// <summary>
/// The backtest's law preference read as a saturation test (docs/analysis.md, "Calibration"): "saturation detected"
/// when the paired comparison prefers the sigmoid, otherwise "log-linear adequate". At the documented minimum design
/// for that call — 8 seeds, 20 evaluations, 200 problems, run walk 0.08, runs 10× the compute of the sigmoid's
/// midpoint (400 steps, midpoint at step 40) — saturation must be detected in ≥ 80% of sigmoid data sets and
/// called falsely in ≤ 5% of log-linear ones. At the 4-seed, 200-step design it is rarely detected (measured, not asserted).
/// </summary>
public class BacktestCalibrationTests(ITestOutputHelper output)
{
    public static readonly SimulationDesign SaturationDesign = new(Runs: 8, Steps: 400);

    /// <summary>100 data sets per truth: the 8-run fits take ~0.2 s each, and the CI harness must stay under ~60 s.</summary>
    private static int DataSets => CalibrationScale.DataSets / 2;

    [Fact]
    public void SaturationIsDetectedUnderSigmoidTruth()
    {
        var preference = CalibrationHarness.BacktestPreference(sigmoidIsTrue: true, SaturationDesign, DataSets, seed: 6);
        output.WriteLine($"saturation detected {preference.True:P1}, log-linear preferred {preference.Wrong:P1}, neither {preference.None:P1}");
        Assert.InRange(preference.True, 0.80, 1.0);
        Assert.InRange(preference.Wrong, 0, 0.05);
    }

    [Fact]
    public void SaturationIsRarelyCalledUnderLogLinearTruth()
    {
        var preference = CalibrationHarness.BacktestPreference(sigmoidIsTrue: false, SaturationDesign, DataSets, seed: 7);
        output.WriteLine($"false saturation {preference.Wrong:P1}, log-linear preferred {preference.True:P1}, neither {preference.None:P1}");
        Assert.InRange(preference.Wrong, 0, 0.05);
    }
}

/// <summary>
/// How many simulated data sets each claim uses: 200 in CI; <c>TP_CALIBRATION_DATASETS</c> raises it for the long
/// version (<c>bench/calibration.sh</c>), which also uses 199 null simulations per hinge test instead of 49.
/// </summary>
internal static class CalibrationScale
{
    public static int DataSets =>
        int.TryParse(Environment.GetEnvironmentVariable("TP_CALIBRATION_DATASETS"), out var n) && n >= 200 ? n : 200;

    public static int NullSimulations => DataSets > 200 ? 199 : 49;
}
