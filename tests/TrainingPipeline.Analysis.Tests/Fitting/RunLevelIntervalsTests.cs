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
}
