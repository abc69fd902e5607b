using TrainingPipeline.Analysis.Calibration;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using Xunit.Abstractions;

namespace TrainingPipeline.Analysis.Tests.Calibration;

/// <summary>
/// The calibration harness in CI: the real analysis on 200–400 simulated data sets per claim (50–100 for the rejected methods), seeded
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
        // Every run is evaluated at step 0 (the base model), as the pipeline does, and R0 is that measurement, not a fit
        // (ScaleRL). Its truth is the expected step-0 pass rate over the problem pool (0.1125: the clamp to [0, 1] lifts
        // the law's 0.1). Measured at 200 data sets: R0 94.0%, A 96.5%, B 97.5%, C_mid 97.5%, all reported.
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth,
            Design with { EvaluateStepZero = true }, DataSets, seed: 2);
        output.WriteLine(coverage.ToString());
        Assert.All(coverage.Covered, kv => Assert.InRange(kv.Value, 0.90, 0.99));
        Assert.All(coverage.Reported, kv => Assert.Equal(1.0, kv.Value));
    }

    [Fact]
    public void WithoutStepZeroTheFittedFloorHasNoInterval()
    {
        // Without step 0 the floor is fitted; its interval covered 84.1% where reported (41% of data sets) under the
        // earlier rule, so it is never reported. A, B and C_mid (2 evaluation steps below the midpoint here) stay calibrated.
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth, Design, DataSets, seed: 2);
        output.WriteLine(coverage.ToString());
        Assert.Equal(0.0, coverage.Reported["R0"]);
        Assert.All(coverage.Covered.Where(kv => kv.Key != "R0"), kv => Assert.InRange(kv.Value, 0.90, 0.99));
        Assert.All(coverage.Reported.Where(kv => kv.Key != "R0"), kv => Assert.InRange(kv.Value, 0.95, 1.0));
    }

    [Fact]
    public void PercentileBootstrapOverFewRunsUnderCovers()
    {
        // The textbook choice the harness rejected: resampling 3 runs with replacement gives intervals far too narrow
        // (74% at 200 data sets); 50 data sets show that, and the time goes to the claims the analysis relies on.
        var design = Design with { Runs = 3 };
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth, design, DataSets / 4, seed: 3,
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

    /// <summary>
    /// The shipped rl-scaling pipeline's evaluation schedule, read from pipelines/rl-scaling.json (when this was written:
    /// steps 0, 1, 2, 4, …, 128 and the final 256, of which the early cut keeps 32–256), with 3 seeds, the minimum for
    /// a run-level interval.
    /// </summary>
    internal static SimulationDesign PipelineSchedule => SimulationDesign.AtSteps(RlScalingEvaluationSteps(), runs: 3,
        evaluateStepZero: RlScalingEvaluationSteps().Contains(0));

    /// <summary>
    /// The steps at which an RL run of pipelines/rl-scaling.json is evaluated, by the rule of RlStage and TrainingLoop:
    /// step 0 (a fresh start always is), every <c>eval_at_steps</c> entry, every multiple of <c>eval_every</c>, and the
    /// last step <c>steps</c>.
    /// </summary>
    internal static IReadOnlyList<int> RlScalingEvaluationSteps()
    {
        var path = Path.Combine(TrainingPipeline.Testing.SharedData.RepositoryRoot(), "pipelines", "rl-scaling.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path),
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var rl = document.RootElement.GetProperty("rl");
        var steps = rl.GetProperty("steps").GetInt32();
        var schedule = new SortedSet<int> { 0, steps };
        if (rl.TryGetProperty("eval_at_steps", out var at))
            foreach (var step in at.EnumerateArray()) schedule.Add(step.GetInt32());
        if (rl.TryGetProperty("eval_every", out var every) && every.GetInt32() > 0)
            for (var step = every.GetInt32(); step <= steps; step += every.GetInt32()) schedule.Add(step);
        return [.. schedule];
    }

    [Fact]
    public void LogSpacedScheduleIsThePipelines()
    {
        // Whatever the pipeline file says, the simulator evaluates at exactly its steps, step 0 included, and the early
        // cut keeps the steps at ≥ 10% of the last one (FLOPs per step are constant within a simulated run).
        var file = RlScalingEvaluationSteps();
        var design = PipelineSchedule;
        Assert.Equal(file.Where(s => s > 0), design.EvaluationSteps());
        var evaluations = SimulatedRlResults.Generate(_ => 0.4, design, new Random(1));
        Assert.Equal(file, evaluations.Where(e => e.RunId == "run0").Select(e => e.Step).Order());
        var (points, stepZero) = CalibrationHarness.Split(evaluations);
        Assert.Equal(design.Runs, stepZero.Count);
        var kept = EarlyRegime.Discard(points, EarlyRegime.DefaultFraction).Where(p => p.Cluster == "run0").Select(p => (int)p.Step!.Value);
        Assert.Equal(file.Where(s => s >= EarlyRegime.DefaultFraction * file.Max()), kept);
        output.WriteLine($"rl-scaling evaluates at {string.Join(", ", file)}; the early cut keeps {string.Join(", ", kept)}");
    }

    [Fact]
    public void SigmoidIsCalibratedOnThePipelinesSchedule()
    {
        // On the rl-scaling schedule at 3 seeds, with the floor measured at step 0 (the pipeline evaluates it). With a
        // fitted floor C_mid covered 72% here (log-spaced 1…256, 4 runs, 200 data sets): the early cut keeps one step
        // below the midpoint, and a lower floor with a later midpoint fit as well. Measured at 200 data sets on steps
        // 0, 1, 2, 4, …, 256: R0 95.5%, A 97.0%, B 96.5%, C_mid 93.0%.
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth, PipelineSchedule, DataSets, seed: 2);
        output.WriteLine($"rl-scaling schedule, 3 runs, step 0 measured: {coverage}");
        Assert.All(coverage.Covered, kv => Assert.InRange(kv.Value, 0.90, 0.99));
        Assert.All(coverage.Reported, kv => Assert.Equal(1.0, kv.Value));
    }

    [Fact]
    public void WithoutStepZeroTheLogSpacedScheduleGetsNoMidpointInterval()
    {
        // The same schedule without step 0: the fitted points hold one step below the midpoint, so C_mid's interval
        // (72% coverage) is withdrawn with the reason; a fit that places the midpoint far too late can pass the rule.
        var design = new SimulationDesign(Runs: 4, Evaluations: 9, Steps: 256, Schedule: EvaluationSchedule.LogSpaced);
        var coverage = CalibrationHarness.Coverage(new RlSigmoidLaw(), CalibrationHarness.Sigmoid, CalibrationHarness.SigmoidTruth, design, DataSets, seed: 2);
        output.WriteLine($"log-spaced × 9, 4 runs, no step 0: {coverage}");
        Assert.InRange(coverage.Reported["C_mid"], 0, 0.05);
        Assert.Equal(0.0, coverage.Reported["R0"]);
    }

    [Fact]
    public void LogLinearIsCalibratedOnTheLogSpacedSchedule()
    {
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth, PipelineSchedule, DataSets, seed: 1);
        output.WriteLine($"log-spaced, 3 runs: {coverage}");
        Assert.All(coverage.Covered, kv => Assert.InRange(kv.Value, 0.90, 0.99));
        var dataSets = 2 * DataSets;
        var rate = CalibrationHarness.SlopeFalsePositiveRate(PipelineSchedule, dataSets, seed: 3);
        output.WriteLine($"log-spaced, 3 runs, flat truth: slope interval excludes zero in {rate:P1}");
        Assert.True(BinomialLowerBound((int)Math.Round(rate * dataSets), dataSets) <= 0.05, $"{rate:P1}");
    }

    [Fact]
    public void CorrectSigmoidFitsAreNotCalledFailedWithoutThreeRuns()
    {
        // With 2 runs A has no run-level interval, and comparing its estimate (± evaluation noise) with the runs' maximum
        // called correct fits failed; now the ceiling is "not determined" and no fit of the true law is failed.
        var two = CalibrationHarness.SigmoidFalseFailure(Design with { Runs = 2 }, DataSets / 4, seed: 4);
        var three = CalibrationHarness.SigmoidFalseFailure(Design with { Runs = 3 }, DataSets / 4, seed: 4);
        output.WriteLine($"sigmoid truth: 2 runs failed {two.Failed:P1}, undetermined {two.Undetermined:P1}; 3 runs failed {three.Failed:P1}");
        Assert.Equal((0.0, 1.0), two);
        Assert.InRange(three.Failed, 0, 0.05);
        Assert.Equal(0.0, three.Undetermined);
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

/// <summary>
/// The hinge test along compute (docs/analysis.md, "Inflections" and "Calibration"): its size under a straight line
/// and its power against a break of stated size, at 3 and 5 runs, and the breakpoint interval's coverage given a
/// significant break. Break truth: the log-linear truth whose 0.2-per-decade slope changes by Δ per decade at step 60
/// (log10 C = 13.78; Δ = −0.2 stops the rise flat, −0.4 turns it into a fall of 0.2 per decade).
/// </summary>
public class HingeCalibrationTests(ITestOutputHelper output)
{
    private static readonly SimulationDesign Design = new();

    /// <summary>
    /// The test's size at the designs the gate accepts: 20 evaluations (the simulator's default), the gate's minimum
    /// (3 runs × 4 evaluations), and the rl-scaling pipeline's log-spaced schedule (steps 1, 2, 4, …, 256: 9 evaluations).
    /// With each run's OWN profiled breakpoint the rate was 7.7% at 3 × 4 (lower bound 5.6%: this test failed).
    /// </summary>
    [Theory]
    [InlineData(3, 20, false)]
    [InlineData(5, 20, false)]
    [InlineData(3, HingeRegression.MinimumDistinctX, false)]
    [InlineData(3, 9, true)]
    public void StraightLineRarelyGivesASignificantHinge(int runs, int evaluations, bool logSpaced)
    {
        // Fails only when the data show the rate is above 5% (one-sided Clopper–Pearson lower bound), as the slope test.
        var dataSets = 2 * CalibrationScale.DataSets;
        var design = logSpaced ? new SimulationDesign(Runs: runs, Evaluations: evaluations, Steps: 256, Schedule: EvaluationSchedule.LogSpaced)
            : Design with { Runs = runs, Evaluations = evaluations };
        var rates = CalibrationHarness.Hinge(CalibrationHarness.LogLinear, design, dataSets, seed: 5);
        var lowerBound = CalibrationTests.BinomialLowerBound((int)Math.Round(rates.Significant * dataSets), dataSets);
        output.WriteLine($"{runs} runs × {evaluations} evaluations{(logSpaced ? " (log-spaced)" : "")}, straight line: {rates} (one-sided 95% lower bound {lowerBound:P1})");
        Assert.True(lowerBound <= 0.05, $"hinge p < 0.05 in {rates.Significant:P1} of straight lines; lower bound {lowerBound:P1}");
    }

    [Fact]
    public void EachRunsOwnBreakpointMakesTheTestTooLiberal()
    {
        // The rejected null: a run's own profiled breakpoint is chosen to make its slope change large, so at 3 runs × 8
        // evaluations a straight line gave p < 0.05 in 9.0% of data sets (the referee's figure; lower bound > 5%).
        var dataSets = 2 * CalibrationScale.DataSets;
        var rates = CalibrationHarness.Hinge(CalibrationHarness.LogLinear, Design with { Runs = 3, Evaluations = 8 }, dataSets, seed: 5, HingeNull.RunSlopeChangeT);
        output.WriteLine($"own breakpoints, 3 runs × 8 evaluations: {rates}");
        Assert.True(CalibrationTests.BinomialLowerBound((int)Math.Round(rates.Significant * dataSets), dataSets) > 0.05, $"{rates.Significant:P1}");
    }

    [Theory]
    [InlineData(3, -0.8, 0.90)]
    [InlineData(5, -0.4, 0.85)]
    public void ABreakIsDetectedAndItsBreakpointIntervalCoversIt(int runs, double slopeChange, double minimumPower)
    {
        var rates = CalibrationHarness.Hinge(CalibrationHarness.HingeTruth(slopeChange), Design with { Runs = runs }, CalibrationScale.DataSets, seed: 8);
        output.WriteLine($"{runs} runs, slope change {slopeChange}: {rates}");
        Assert.InRange(rates.Significant, minimumPower, 1.0);
        // The breakpoint interval is reported exactly when the break is significant, and then it is calibrated.
        Assert.Equal(rates.Significant, rates.BreakpointReported);
        Assert.InRange(rates.BreakpointCovered, 0.90, 0.99);
        // A t test has no resampling floor: with 3 runs p goes far below 1/4, the floor of 8 Rademacher sign patterns.
        Assert.True(rates.MinimumP < 0.001, $"smallest p {rates.MinimumP:G3}");
    }

    [Fact]
    public void TheWildClusterBootstrapOverThreeRunsLacksPower()
    {
        // The null the harness rejected: even a slope change of −0.8 per decade is detected in ~20% of data sets at 3 runs,
        // against ~99% for the t test over runs' slope changes, and p cannot go below 1/(simulations + 1).
        var rates = CalibrationHarness.Hinge(CalibrationHarness.HingeTruth(-0.8), Design with { Runs = 3 }, CalibrationScale.DataSets / 4, seed: 8,
            HingeNull.WildClusterWebb, nullSimulations: 49);
        output.WriteLine($"wild cluster bootstrap, 3 runs, slope change −0.8: {rates}");
        Assert.True(rates.Significant < 0.5, $"detected in {rates.Significant:P1}");
        Assert.True(rates.MinimumP >= 1.0 / 50);
    }

    [Fact]
    public void BreadthHingeOverRunsRarelyFindsABreakInAStraightLine()
    {
        // 4 breadths × 3 runs, one final score per run: a line in breadth plus independent run-to-run noise (s.d. 0.05).
        var significant = 0;
        const int dataSets = 200;
        for (var d = 0; d < dataSets; d++)
        {
            var random = new Random(1_000 + d);
            long[] levels = [1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8];
            double[] y = [.. levels.Select(l => 0.3 + 0.02 * l + 0.05 * SimulatedRlResults.Gaussian(random))];
            var analysis = HingeRegression.AnalyzeAcrossLevels("g", "breadth", [.. levels.Select((_, i) => $"run{i}")], levels,
                [.. levels.Select(l => (double)l)], y, CalibrationScale.NullSimulations, d);
            if (analysis.BreakIsSignificant) significant++;
        }
        // As the other false-positive tests: fail when the data show the rate is above 5% (one-sided 95% Clopper–Pearson
        // lower bound), not when the noisy point estimate crosses a cap.
        var lowerBound = CalibrationTests.BinomialLowerBound(significant, dataSets);
        output.WriteLine($"breadth hinge, straight line: p < 0.05 in {(double)significant / dataSets:P1} (one-sided 95% lower bound {lowerBound:P1})");
        Assert.True(lowerBound <= 0.05, $"breadth hinge p < 0.05 in {(double)significant / dataSets:P1} of straight lines; lower bound {lowerBound:P1}");
    }
}

/// <summary>
/// Run-level jackknife-t intervals of the log-linear law at 3 and 5 runs, with the Gaussian run walk alone and with a
/// heavy-tailed seed effect on top (each run's deviation growing to 0.1 × a Student t with 3 df at its end).
/// </summary>
public class JackknifeCoverageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3, 0.0)]
    [InlineData(5, 0.0)]
    [InlineData(3, 0.1)]
    [InlineData(5, 0.1)]
    public void LogLinearJackknifeTCoversAtThreeAndFiveRuns(int runs, double seedEffect)
    {
        var coverage = CalibrationHarness.Coverage(new RlLogLinearLaw(), CalibrationHarness.LogLinear, CalibrationHarness.LogLinearTruth,
            new SimulationDesign(Runs: runs, SeedEffectScale: seedEffect), CalibrationScale.DataSets, seed: 21);
        output.WriteLine($"{runs} runs, seed effect {seedEffect}: {coverage}");
        Assert.All(coverage.Covered, kv => Assert.InRange(kv.Value, 0.90, 0.99));
    }

    [Fact]
    public void HeavyTailedSeedEffectsSpreadTheRuns()
    {
        // The seed effect must change the data: with it, the runs' final scores spread further than the walk alone gives.
        static double FinalSpread(double scale)
        {
            var design = new SimulationDesign(Runs: 200, Evaluations: 4, Problems: 50, SeedEffectScale: scale);
            var finals = SimulatedRlResults.Generate(_ => 0.5, design, new Random(3)).Where(e => e.Step == design.Steps).Select(e => e.Point.Value).ToArray();
            var mean = finals.Average();
            return Math.Sqrt(finals.Sum(v => (v - mean) * (v - mean)) / (finals.Length - 1));
        }
        Assert.True(FinalSpread(0.1) > 1.3 * FinalSpread(0), $"{FinalSpread(0.1):G3} vs {FinalSpread(0):G3}");
    }
}

/// <summary>
/// The backtest's law preference read as a saturation test (docs/analysis.md, "Calibration"): "saturation detected"
/// when the paired comparison prefers the sigmoid, otherwise "no saturation detected". At the documented minimum design
/// for that call — 8 seeds, 20 evaluations, 200 problems, run walk 0.08, runs 10× the compute of the sigmoid's
/// midpoint (400 steps, midpoint at step 40) — saturation must be detected in ≥ 80% of sigmoid data sets and
/// called falsely in ≤ 5% of log-linear ones, both with R0 measured at step 0 (what the analysis stage does) and
/// with R0 fitted (no step-0 evaluation: <c>analyze fit</c> on a table). At the 4-seed, 200-step design it is rarely
/// detected (measured, not asserted).
/// </summary>
public class BacktestCalibrationTests(ITestOutputHelper output)
{
    public static readonly SimulationDesign SaturationDesign = new(Runs: 8, Steps: 400);

    /// <summary>
    /// 200 data sets per claim, R0 measured or fitted (issue 14 asks ≥ 200 per claim; the fitted floor's ~0.3 s a data set is
    /// paid for by running the rejected methods' tests on fewer data sets).
    /// </summary>
    private static int DataSets(bool stepZero) => CalibrationScale.DataSets;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaturationIsDetectedUnderSigmoidTruth(bool stepZero)
    {
        var preference = CalibrationHarness.BacktestPreference(sigmoidIsTrue: true, SaturationDesign with { EvaluateStepZero = stepZero }, DataSets(stepZero), seed: 6);
        output.WriteLine($"R0 {(stepZero ? "measured" : "fitted")}, {DataSets(stepZero)} data sets: saturation detected {preference.True:P1}, " +
                         $"log-linear preferred {preference.Wrong:P1}, neither {preference.None:P1}");
        Assert.InRange(preference.True, 0.80, 1.0);
        Assert.InRange(preference.Wrong, 0, 0.05);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaturationIsRarelyCalledUnderLogLinearTruth(bool stepZero)
    {
        var preference = CalibrationHarness.BacktestPreference(sigmoidIsTrue: false, SaturationDesign with { EvaluateStepZero = stepZero }, DataSets(stepZero), seed: 7);
        output.WriteLine($"R0 {(stepZero ? "measured" : "fitted")}, {DataSets(stepZero)} data sets: false saturation {preference.Wrong:P1}, " +
                         $"log-linear preferred {preference.True:P1}, neither {preference.None:P1}");
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
