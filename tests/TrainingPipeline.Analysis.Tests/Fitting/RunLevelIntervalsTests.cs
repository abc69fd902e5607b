using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class RunLevelIntervalsTests
{
    private static List<LawPoint> Runs(int runs, int perRun = 8, double stderr = double.NaN)
    {
        var random = new Random(1);
        return [.. Enumerable.Range(0, runs).SelectMany(r => SyntheticData.LogSpace(1e12, 1e15, perRun).Select(c =>
            new LawPoint(c, -1 + 0.1 * Math.Log10(c) + 0.02 * r + 0.01 * SyntheticData.Gaussian(random), Cluster: $"run{r}", StdError: stderr)))];
    }

    [Fact]
    public void FewerThanThreeRunsGiveNoIntervalOnlyTheEvaluationNoise()
    {
        var points = Runs(2, stderr: 0.01);
        var law = new RlLogLinearLaw();
        var result = RunLevelIntervals.Compute(law, points, law.Fit(points), 100, seed: 1);
        Assert.Equal(("none", 2), (result.ResamplingUnit, result.Runs));
        Assert.Equal("no run-level interval: n runs < 3 (have 2)", result.Note);
        Assert.Empty(result.Intervals);
        Assert.InRange(result.EvalStdErrors["b"], 1e-4, 0.05);
    }

    [Fact]
    public void ReplicateRunsAreLeftOutOneAtATime()
    {
        var points = Runs(4);
        var law = new RlLogLinearLaw();
        var result = RunLevelIntervals.Compute(law, points, law.Fit(points), 100, seed: 1);
        Assert.Equal(("run", 4, "jackknife-t over runs", 4), (result.ResamplingUnit, result.Runs, result.Method, result.Succeeded));
        var (low, high) = result.Intervals["b"];
        Assert.True(low < 0.1 && 0.1 < high);
        Assert.Empty(result.EvalStdErrors); // no stderr on the points
    }

    [Fact]
    public void TheRowsStandardErrorIsNotAddedAgainToTheRunLevelInterval()
    {
        // Each run is scored on problems drawn from its own seed, so problem sampling is already in the spread over
        // runs: with ≥ 3 runs the interval must not change with the rows' stderr.
        var law = new RlLogLinearLaw();
        var without = Runs(4);
        var with = Runs(4, stderr: 0.05);
        var plain = RunLevelIntervals.Compute(law, without, law.Fit(without), 100, seed: 1);
        var withErrors = RunLevelIntervals.Compute(law, with, law.Fit(with), 100, seed: 1);
        Assert.Equal("jackknife-t over runs", withErrors.Method);
        Assert.Equal(plain.Intervals["a"], withErrors.Intervals["a"]);
        Assert.Equal(plain.Intervals["b"], withErrors.Intervals["b"]);
    }

    [Fact]
    public void PreTrainingLineagesAreTheUnitAndTwoLineagesGiveNoInterval()
    {
        // Six checkpoints of two lineages: not six independent runs.
        var points = SyntheticData.LogLinear(seed: 0).Take(6).Select((p, i) => p with { Cluster = $"root{i % 2}" }).ToList();
        var law = new RlLogLinearLaw();
        var result = RunLevelIntervals.Compute(law, points, law.Fit(points), 50, seed: 1, unit: RunLevelIntervals.Lineage);
        Assert.Equal(("none", 2), (result.ResamplingUnit, result.Runs));
        Assert.Equal("no run-level interval: n lineages < 3 (have 2)", result.Note);
        Assert.Empty(result.Intervals);

        var three = SyntheticData.LogLinear(seed: 0).Select((p, i) => p with { Cluster = $"root{i % 3}" }).ToList();
        var overLineages = RunLevelIntervals.Compute(law, three, law.Fit(three), 50, seed: 1, unit: RunLevelIntervals.Lineage);
        Assert.Equal(("lineage", 3, "jackknife-t over lineages"), (overLineages.ResamplingUnit, overLineages.Runs, overLineages.Method));
    }

    [Fact]
    public void PointsWithoutRunIdsAreResampledAsPointsWithAWarning()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        var law = new RlLogLinearLaw();
        var result = RunLevelIntervals.Compute(law, points, law.Fit(points), 50, seed: 1);
        Assert.Equal("points", result.ResamplingUnit);
        Assert.Contains("--col run=", result.Note);
    }

    [Fact]
    public void OnePointPerRunIsAJackknifeOverRuns()
    {
        var points = SyntheticData.LogLinear(seed: 0).Select((p, i) => p with { Cluster = $"run{i}" }).ToList();
        var law = new RlLogLinearLaw();
        var result = RunLevelIntervals.Compute(law, points, law.Fit(points), 50, seed: 1);
        // The percentile bootstrap over one-point lineages is no longer used (LawCoverageTests: jackknife-t is calibrated).
        Assert.Equal(("run", "jackknife-t over runs", 20), (result.ResamplingUnit, result.Method, result.Succeeded));
    }

    [Fact]
    public void SameSeedGivesSameIntervals()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        var law = new RlLogLinearLaw();
        var first = RunLevelIntervals.Compute(law, points, law.Fit(points), 30, seed: 7);
        var second = RunLevelIntervals.Compute(law, points, law.Fit(points), 30, seed: 7);
        Assert.Equal(first.Intervals["a"], second.Intervals["a"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PositiveRatiosGetPositiveIntervalsThatContainTheTruth(int seed)
    {
        // A 6 × 5 Chinchilla grid, every cell its own lineage, 2% noise on the loss: the compute-optimal tokens per parameter
        // at the largest compute is estimated between 5 and 50 (truth 18.2) with a jackknife spread of the same order, so on
        // the natural scale its interval reached below 0 (pretrain-scaling: "86, interval crosses negatives"). On the log
        // scale it is positive and still covers.
        var points = SyntheticData.Chinchilla(seed, logNoise: 0.02).Select((p, i) => p with { Cluster = $"lineage{i}" }).ToList();
        var law = new ChinchillaLaw(ChinchillaLaw.CoarseGrid);
        var truth = law.Derived(new LawFit(ChinchillaLaw.LawName, points.Count, SyntheticData.ChinchillaTruth, 0, []), points);

        var intervals = RunLevelIntervals.Compute(law, points, law.Fit(points), 200, seed: 0, unit: RunLevelIntervals.Lineage).Intervals;

        foreach (var name in new[] { "tokens_per_param@C_max", "N_opt@C_max", "D_opt@C_max" })
        {
            var (low, high) = intervals[name];
            Assert.True(low > 0, $"{name}: [{low}, {high}]");
            Assert.InRange(truth[name], low, high);
        }
    }

    [Fact]
    public void LeaveOneOutRefitsSelectTheFrontierAgain()
    {
        // A frontier a → b → c → d with one cell x hidden just above it (above the segment b–c). Leaving b out exposes x:
        // the refit must see x, which a refit on the selected points without b never would. Lineages off the frontier whose
        // removal changes nothing (y, x while b is there) are not leave-one-out units.
        LawPoint P(double compute, double loss, string lineage) => new(compute, loss, Cluster: lineage);
        LawPoint[] sweep =
        [
            P(1e15, 3.0, "a"), P(1e16, 2.4, "b"), P(1e17, 2.0, "c"), P(1e18, 1.75, "d"), P(1e19, 1.6, "e"),
            P(3e16, 2.23, "x"), // above the hull through b and c (2.21 at 3e16), below the one through a and c (2.26)
            P(2e17, 2.9, "y"), // far above the hull
        ];
        var selected = ComputeFrontier.Select(sweep);
        Assert.Equal(["a", "b", "c", "d", "e"], selected.Select(p => p.Cluster));

        var subsets = RunLevelIntervals.ReselectedSubsets(new PointSelection(sweep, ComputeFrontier.Select), selected);

        Assert.Equal(5, subsets.Count);
        Assert.Equal(["a", "x", "c", "d", "e"], subsets[1].Select(p => p.Cluster));
        Assert.DoesNotContain(subsets, s => s.Any(p => p.Cluster == "y"));

        // Through the analysis: the interval is the jackknife-t over these refits, and the law counts 5 lineages.
        var law = new LossComputeLaw(LossComputeLaw.CoarseGrid);
        var fitted = LawAnalysis.Run(law, sweep, "pretrain", new FitOptions(ReplicateUnit: RunLevelIntervals.Lineage), "test", select: ComputeFrontier.Select);
        var fit = law.Fit(selected);
        var expected = subsets.Select(s => law.Fit(s, warmStart: fit)["alpha"]).ToArray();
        var (low, high) = Backtest.JackknifeT(fit["alpha"], expected);
        Assert.Equal(5, fitted.PointCount);
        Assert.Equal(2, fitted.OffFrontierPoints);
        Assert.Equal(5, fitted.Runs);
        Assert.Equal(low, fitted.Parameter("alpha").CiLow, 6);
        Assert.Equal(high, fitted.Parameter("alpha").CiHigh, 6);
    }
}
