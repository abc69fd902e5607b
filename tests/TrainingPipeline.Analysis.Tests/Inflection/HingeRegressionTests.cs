using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Tests.Fitting;

namespace TrainingPipeline.Analysis.Tests.Inflection;

public class HingeRegressionTests
{
    private static (double[] X, double[] Y) Data(int seed, double slopeChange, double noise = 0.01)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, 30).Select(i => 12 + 6.0 * i / 29).ToArray();
        var y = x.Select(v => 0.1 + 0.02 * (v - 12) + slopeChange * Math.Max(0, v - 15.5) + noise * SyntheticData.Gaussian(random)).ToArray();
        return (x, y);
    }

    [Fact]
    public void FindsTheBreakpointOfNoiselessData()
    {
        var (x, y) = Data(0, 0.15, noise: 0);
        var fit = HingeRegression.Fit(x, y);
        Assert.Equal(15.5, fit.Breakpoint, 3);
        Assert.Equal(0.02, fit.SlopeBefore, 6);
        Assert.Equal(0.17, fit.SlopeAfter, 6);
    }

    [Fact]
    public void DetectsARealBreakWithAnIntervalAroundIt()
    {
        var (x, y) = Data(1, 0.15);
        var analysis = HingeRegression.Analyze("score", "log10 C", x, y, bootstrap: 99, seed: 1);
        Assert.True(analysis.PValue < 0.05, $"p = {analysis.PValue}");
        Assert.True(analysis.Breakpoint.Covers(15.5), $"[{analysis.Breakpoint.CiLow}, {analysis.Breakpoint.CiHigh}]");
        Assert.True(analysis.Breakpoint.CiHigh - analysis.Breakpoint.CiLow < 1.5);
    }

    [Fact]
    public void DoesNotReportABreakInAStraightLine()
    {
        // Over 12 straight-line data sets a calibrated 5% test rejects 4 or more times with probability 0.2%.
        var rejections = Enumerable.Range(0, 12)
            .Count(seed => HingeRegression.Analyze("score", "log10 C", Data(100 + seed, 0).X, Data(100 + seed, 0).Y, 99, seed).PValue < 0.05);
        Assert.True(rejections <= 3, $"{rejections}/12 straight lines were called inflections");
    }

    [Fact]
    public void JitteredFlopsAtThreeStepsAreNotTestable()
    {
        // 3 runs × 3 steps, FLOPs per step 1% apart: 9 distinct x but only 3 evaluation levels.
        string[] runs = [.. Enumerable.Range(0, 9).Select(i => $"run{i / 3}")];
        long[] steps = [.. Enumerable.Range(0, 9).Select(i => (long)(10 * (1 + i % 3)))];
        double[] x = [.. Enumerable.Range(0, 9).Select(i => Math.Log10(1e12 * steps[i] * (1 + 0.01 * (i / 3))))];
        double[] y = [.. x.Select(v => 0.1 * v)];
        Assert.Equal(9, x.Distinct().Count());
        var reason = HingeRegression.NotTestableReason(runs, steps);
        Assert.Equal("3 runs at 3 distinct evaluation steps, 0 of them evaluated at ≥ 4 steps (need ≥ 3 runs and ≥ 4 steps per run)", reason);
        Assert.Throws<ArgumentException>(() => HingeRegression.AnalyzeRuns("g", "x", runs, steps, x, y, 49, 0));
    }

    [Fact]
    public void TheBreakpointHasNoIntervalUnlessTheBreakIsSignificant()
    {
        // Three runs along a straight line with independent wiggles: no significant break, so no breakpoint interval
        // (the slopes keep theirs).
        var random = new Random(4);
        var runs = new List<string>();
        var steps = new List<long>();
        var x = new List<double>();
        var y = new List<double>();
        for (var r = 0; r < 3; r++)
            for (var s = 1; s <= 10; s++)
            {
                runs.Add($"run{r}");
                steps.Add(s);
                x.Add(12 + 0.2 * s);
                y.Add(0.1 * (12 + 0.2 * s) + 0.02 * SyntheticData.Gaussian(random));
            }
        var analysis = HingeRegression.AnalyzeRuns("g", "x", runs, steps, x, y, 49, 0);
        Assert.False(analysis.BreakIsSignificant, $"p = {analysis.PValue}");
        Assert.False(double.IsFinite(analysis.Breakpoint.CiLow));
        Assert.Equal(HingeRegression.NoBreakpointInterval, analysis.BreakpointNote);
        Assert.True(double.IsFinite(analysis.SlopeBefore.CiLow));
    }

    [Fact]
    public void BreadthNeedsThreeRunsAtEachOfFourLevels()
    {
        Assert.Equal("6 runs at 6 levels, 0 of them with ≥ 3 runs (need ≥ 4 levels with ≥ 3 runs each)",
            HingeRegression.AcrossLevelsNotTestableReason([1, 2, 3, 4, 5, 6]));
        Assert.Null(HingeRegression.AcrossLevelsNotTestableReason([1, 1, 1, 2, 2, 2, 4, 4, 4, 8, 8, 8, 16]));
    }
}
