using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>
/// The sigmoid's floor R0 (docs/analysis.md, "Fits"): measured from the runs' step-0 evaluations when there are any
/// (ScaleRL), otherwise fitted without an interval; and C_mid's interval withdrawn when, with a fitted floor, the
/// points do not reach below the midpoint.
/// </summary>
public class SigmoidFloorTests
{
    private const double Floor = 0.1, Ceiling = 0.7, Slope = 2, Midpoint = 4e13;

    private static double Truth(double compute) => Floor + (Ceiling - Floor) / (1 + Math.Pow(Midpoint / compute, Slope));

    /// <summary>Runs evaluated every 10 steps from step 20 (late: the floor has no influence left) with their own offset.</summary>
    private static List<LawPoint> LateRuns(int runs, int firstStep = 20)
    {
        var points = new List<LawPoint>();
        var random = new Random(3);
        for (var run = 0; run < runs; run++)
        {
            var offset = 0.02 * (random.NextDouble() - 0.5);
            for (var step = firstStep; step <= 200; step += 10)
                points.Add(new LawPoint(1e12 * step, Truth(1e12 * step) + offset + 0.01 * (random.NextDouble() - 0.5), Cluster: $"run{run}", StdError: 0.01, Step: step));
        }
        return points;
    }

    private static List<LawPoint> StepZero(params double[] values) =>
        [.. values.Select((v, r) => new LawPoint(0, v, Cluster: $"run{r}", StdError: 0.02, Step: 0))];

    [Fact]
    public void AFittedFloorGetsNoIntervalAndSaysWhy()
    {
        var fitted = LawAnalysis.Run(new RlSigmoidLaw(), LateRuns(4), "g", new FitOptions(BacktestFraction: 0), "test");
        var floor = fitted.Parameter("R0");
        Assert.True(double.IsNaN(floor.CiLow) && double.IsNaN(floor.CiHigh), $"R0 interval [{floor.CiLow}, {floor.CiHigh}]");
        Assert.Contains("R0 not identified without a step-0 evaluation", fitted.IntervalNote);
        Assert.True(double.IsFinite(fitted.Parameter("A").CiLow));
    }

    [Fact]
    public void WithdrawFittedFloorKeepsTheEstimateAndTheOtherIntervals()
    {
        List<ParameterEstimate> parameters = [new("R0", 0.1, 0.05, 0.15), new("A", 0.7, 0.65, 0.75)];
        Assert.NotNull(LawAnalysis.WithdrawFittedFloor(parameters));
        Assert.True(double.IsNaN(parameters[0].CiLow) && double.IsNaN(parameters[0].CiHigh));
        Assert.Equal(0.1, parameters[0].Value);
        Assert.Equal(0.65, parameters[1].CiLow);
    }

    [Fact]
    public void StepZeroEvaluationsPinTheFloorToTheirMeanOverRuns()
    {
        // ScaleRL: R0 is the measured initial performance. 4 runs scored 0.08, 0.10, 0.12, 0.14 at step 0.
        var fitted = LawAnalysis.Run(new RlSigmoidLaw(), LateRuns(4), "g", new FitOptions(BacktestFraction: 0), "test", StepZero(0.08, 0.10, 0.12, 0.14));
        var floor = fitted.Parameter("R0");
        Assert.Equal(0.11, floor.Value, 12);
        // Its evaluation-noise standard error is that of a mean of 4 runs' scores with s.e. 0.02 each: 0.01.
        Assert.Equal(0.01, floor.EvalStdError, 12);
        // With ≥ 3 runs its interval is the leave-one-run-out jackknife-t of that mean: it contains the mean and is
        // about t(3) × s.d./√4 = 3.18 × 0.0258 / 2 ≈ 0.041 wide on each side.
        Assert.InRange(floor.CiLow, 0.05, 0.08);
        Assert.InRange(floor.CiHigh, 0.14, 0.17);
        Assert.Contains("R0 measured, not fitted: the mean step-0 (base model) pass@1 of 4 runs", fitted.IntervalNote);
        Assert.DoesNotContain("not identified", fitted.IntervalNote);
        // A, B and C_mid are fitted with the floor held there: the noise-free truth's own values come back.
        Assert.Equal(Ceiling, fitted.Parameter("A").Value, 0.05);
        Assert.Equal(Math.Log10(Midpoint), Math.Log10(fitted.Parameter("C_mid").Value), 0.1);
    }

    [Fact]
    public void ALeaveOneRunOutRefitUsesTheFloorOfTheRemainingRuns()
    {
        var law = new RlSigmoidLaw(StepZero(0.08, 0.10, 0.12, 0.14));
        var withoutRun3 = LateRuns(4).Where(p => p.Cluster != "run3").ToList();
        Assert.Equal(0.10, law.Fit(withoutRun3)["R0"], 12);
        Assert.Equal(3, law.FreeParameterCount);
        Assert.Equal(4, new RlSigmoidLaw().FreeParameterCount);
    }

    [Fact]
    public void AMidpointTheFittedPointsDoNotReachBelowHasNoIntervalWithoutStepZero()
    {
        // Evaluations from step 50 on: none below the midpoint (step 40), and no step 0 to measure the floor, so a lower
        // floor with a later midpoint fits as well; C_mid's interval would be confidently wrong.
        var fitted = LawAnalysis.Run(new RlSigmoidLaw(), LateRuns(4, firstStep: 50), "g", new FitOptions(BacktestFraction: 0, EarlyComputeFraction: 0), "test");
        Assert.True(double.IsNaN(fitted.Parameter("C_mid").CiLow), $"C_mid interval [{fitted.Parameter("C_mid").CiLow}, {fitted.Parameter("C_mid").CiHigh}]");
        Assert.True(double.IsNaN(fitted.Derived.Single(d => d.Name == "log10_C_mid").CiLow));
        Assert.Contains("C_mid not identified", fitted.IntervalNote);
        // With the step-0 evaluations the floor is measured and the midpoint is placed: its interval is reported.
        var pinned = LawAnalysis.Run(new RlSigmoidLaw(), LateRuns(4, firstStep: 50), "g", new FitOptions(BacktestFraction: 0, EarlyComputeFraction: 0), "test",
            StepZero(0.1, 0.1, 0.1, 0.1));
        Assert.True(double.IsFinite(pinned.Parameter("C_mid").CiLow));
    }
}
