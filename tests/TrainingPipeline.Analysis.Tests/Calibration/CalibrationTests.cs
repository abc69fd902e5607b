using TrainingPipeline.Analysis.Calibration;
using TrainingPipeline.Analysis.Fitting;
using Xunit.Abstractions;

namespace TrainingPipeline.Analysis.Tests.Calibration;

/// <summary>
/// The calibration harness in CI: the real analysis on ≥ 200 simulated data sets per claim, seeded
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
        output.WriteLine(string.Join(", ", coverage.Select(kv => $"{kv.Key} {kv.Value:P1}")));
        Assert.All(coverage, kv => Assert.InRange(kv.Value, 0.90, 0.99));
    }

    [Fact]
    public void SigmoidIntervalsCoverTheTruth()
    {
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth, Design, DataSets, seed: 2);
        output.WriteLine(string.Join(", ", coverage.Select(kv => $"{kv.Key} {kv.Value:P1}")));
        Assert.All(coverage.Where(kv => kv.Key != "R0"), kv => Assert.InRange(kv.Value, 0.90, 0.99));
        // The floor R0 lies below every fitted point once the early regime is left out; fits often put it on its
        // bound (R0 → 0) and the interval collapses there. Known and documented (docs/analysis.md): it covers ~75%.
        Assert.InRange(coverage["R0"], 0.60, 0.90);
    }

    [Fact]
    public void PercentileBootstrapOverFewRunsUnderCovers()
    {
        // The textbook choice the harness rejected: resampling 3 runs with replacement gives intervals far too narrow.
        var design = Design with { Runs = 3 };
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth, design, DataSets, seed: 3,
            RunIntervalMethod.PercentileBootstrap);
        output.WriteLine(string.Join(", ", coverage.Select(kv => $"{kv.Key} {kv.Value:P1}")));
        Assert.True(coverage["b"] < 0.90, $"percentile bootstrap over 3 runs covered b in {coverage["b"]:P1}");
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
/// The backtest's law preference on simulated data. The issue's target (the true law preferred in ≥ 80% of data
/// sets) is NOT met at any design the harness tried (docs/analysis.md, "Calibration"); what is asserted is the
/// property a measurement instrument needs first: it almost never prefers the wrong law.
/// </summary>
public class BacktestCalibrationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BacktestRarelyPrefersTheWrongLaw(bool sigmoidIsTrue)
    {
        var preference = CalibrationHarness.BacktestPreference(sigmoidIsTrue, new SimulationDesign(), CalibrationScale.DataSets, seed: 6);
        output.WriteLine($"true {preference.True:P1}, wrong {preference.Wrong:P1}, none {preference.None:P1}; by non-overlap: true {preference.TrueByNonOverlap:P1}");
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
