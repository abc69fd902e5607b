using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Reporting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>
/// A sigmoid fit that describes no rise the points resolve (ceiling not above the floor, or flat over the points, within
/// their noise) is degenerate: its backtest is failed rather than scored, and a degenerate full-range fit is a failed fit.
/// </summary>
public class SigmoidDegeneracyTests
{
    private static readonly long[] Steps = [4, 8, 16, 32, 64, 128, 256, 512];
    private const double FlopsPerStep = 3e9;
    private const double Floor = 0.377;

    /// <summary>
    /// Four seeds from one base (step-0 pass@1 near <see cref="Floor"/>) evaluated at steps 4–512, as rl-compute: each
    /// point is the curve plus a run offset and evaluation noise (s.e. 0.017, as 500 problems × 8 samples give).
    /// </summary>
    private static (List<LawPoint> Points, List<LawPoint> StepZero) Runs(Func<long, double> curve, int seed)
    {
        var random = new Random(seed);
        var points = new List<LawPoint>();
        var stepZero = new List<LawPoint>();
        for (var run = 0; run < 4; run++)
        {
            var offset = 0.01 * SyntheticData.Gaussian(random);
            stepZero.Add(new LawPoint(0, Floor + 0.007 * SyntheticData.Gaussian(random), Cluster: $"run{run}", StdError: 0.017, Step: 0));
            foreach (var step in Steps)
                points.Add(new LawPoint(step * FlopsPerStep, curve(step) + offset + 0.015 * SyntheticData.Gaussian(random),
                    Cluster: $"run{run}", StdError: 0.017, Step: step));
        }
        return (points, stepZero);
    }

    /// <summary>rl-compute's shape: a dip below the base model's score over steps 4–32, then a rise (GRPO's step means).</summary>
    private static double DipThenRise(long step) => step switch
    {
        4 => 0.332,
        8 => 0.353,
        16 => 0.363,
        32 => 0.382,
        64 => 0.417,
        128 => 0.460,
        256 => 0.496,
        _ => 0.554,
    };

    private static readonly FitOptions Options = new(Bootstrap: 20, EarlyComputeFraction: 0.005);

    [Fact]
    public void ABacktestFitFlatBelowTheFloorIsAFailedBacktestNotAPreference()
    {
        // The lower half (steps 4–32) sits at or below the measured floor: the sigmoid fitted there is a flat line with its
        // ceiling under R0, and scored on the rise it says nothing about the law. The analysis used to read its large
        // backtest error as "rl-loglinear extrapolates better" (rl-compute's ScaleRL cohort).
        var (points, stepZero) = Runs(DipThenRise, seed: 3);

        var linear = LawAnalysis.Run(new RlLogLinearLaw(), points, "g", Options, "test", stepZero);
        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", Options, "test", stepZero);

        Assert.NotNull(linear.Backtest);
        Assert.Null(sigmoid.Backtest);
        Assert.StartsWith(Backtest.DegenerateFit + " (no rise: the ceiling A = ", sigmoid.BacktestNote);
        Assert.Contains("flat: the fitted curve moves by", sigmoid.BacktestNote);
        Assert.EndsWith("noise 0.017, the median s.e. of one evaluation)", sigmoid.BacktestNote);
        var verdict = LawComparison.Compare(linear, sigmoid);
        Assert.Null(verdict.Preferred);
        Assert.False(verdict.Tested);
        Assert.Equal($"no verdict: rl-sigmoid {sigmoid.BacktestNote}", ReportComposer.Preferred(linear, sigmoid));
        var data = new Results.Reading.ResultsDataset("results", [], [], []);
        var report = MarkdownReport.Render(ReportComposer.Compose(new ReportInputs("id", "results", new AnalysisOptions(), 0,
            TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [linear, sigmoid], [], [], [])));
        Assert.Contains("| g | ", report);
        Assert.Contains(" | failed: degenerate fit on the lower compute range | no verdict: rl-sigmoid backtest failed: ", report);
        Assert.Contains("Backtest failed: the fit on the lower compute range is degenerate (no rise: ", report);
        // The full-range fit rises through the points: it is not degenerate, and keeps its intervals.
        Assert.False(sigmoid.Failed);
        Assert.True(double.IsFinite(sigmoid.Parameter("A").CiLow));
    }

    [Fact]
    public void ABacktestFitThatRisesThroughItsPointsIsScored()
    {
        // The same design with a curve that already rises over the lower half: the backtest fit is a sigmoid, and scored.
        var (points, stepZero) = Runs(step => Floor + (0.75 - Floor) / (1 + Math.Pow(64.0 / step, 1.0)), seed: 3);

        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", Options, "test", stepZero);

        Assert.NotNull(sigmoid.Backtest);
        Assert.Null(sigmoid.BacktestNote);
        Assert.Null(new RlSigmoidLaw(stepZero).Degeneracy(sigmoid.Backtest!.TrainFit, [.. points.Where(p => p.Compute < sigmoid.Backtest.CutoffCompute)]));
        Assert.False(sigmoid.Failed);
    }

    [Fact]
    public void AFullRangeFitWithNoRiseIsAFailedFitWhoseIntervalsAreNotPrinted()
    {
        // RL that never moved the score: a sigmoid through these points has no ceiling above its floor to speak of.
        var (points, stepZero) = Runs(_ => Floor, seed: 5);

        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", Options, "test", stepZero);

        Assert.True(sigmoid.Failed);
        Assert.StartsWith("degenerate fit: ", sigmoid.FailureNote);
        var data = new Results.Reading.ResultsDataset("results", [], [], []);
        var row = ReportCard.Build(data, TrainingPipeline.Analysis.Points.ResultsPoints.From(data), [sigmoid], [], [])[0];
        Assert.StartsWith("R0, A, B, C_mid withheld (failed fit); ", row.BeforeAfter);
        Assert.DoesNotContain("[", row.BeforeAfter);
        Assert.StartsWith("failed fit (degenerate fit: ", row.Reading);
        Assert.Equal(AnalysisSummary.FailedFitWithheld, AnalysisSummary.IntervalOrNote(sigmoid, sigmoid.Parameter("A")));
    }

    [Fact]
    public void TheRuleReadsTheCurveAgainstTheNoise()
    {
        var law = new RlSigmoidLaw();
        LawPoint[] points = [.. new[] { 1e10, 3e10, 1e11, 3e11 }.Select(c => new LawPoint(c, 0.4, StdError: 0.02))];
        LawFit Fit(double r0, double a, double b, double mid) =>
            new(RlSigmoidLaw.LawName, points.Length, new Dictionary<string, double> { ["R0"] = r0, ["A"] = a, ["B"] = b, ["C_mid"] = mid }, 0, []);

        // A rise of 0.3 with its midpoint inside the points: a sigmoid.
        Assert.Null(law.Degeneracy(Fit(0.3, 0.6, 1.5, 5e10), points));
        // The ceiling 0.015 above the floor, within one evaluation's noise (0.02): no rise.
        Assert.StartsWith("no rise: the ceiling A = 0.315 is not above the floor R0 = 0.3", law.Degeneracy(Fit(0.3, 0.315, 1.5, 5e10), points));
        // A real rise, but finished six decades before the first point: flat over the points.
        Assert.StartsWith("flat: the fitted curve moves by 0.000 between compute 1E+10 and 3E+11", law.Degeneracy(Fit(0.3, 0.6, 1.5, 1e4), points));
        // Without standard errors the noise is the fit's RMS residual (objective = half the residual sum of squares).
        var noStdError = points.Select(p => p with { StdError = double.NaN }).ToArray();
        Assert.Equal(0.05, RlSigmoidLaw.Noise(Fit(0.3, 0.6, 1.5, 5e10) with { Objective = 0.5 * 4 * 0.05 * 0.05 }, noStdError).Noise, 12);
    }
}
