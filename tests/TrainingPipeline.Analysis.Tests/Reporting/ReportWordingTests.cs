using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Inflection;
using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Analysis.Tests.Fitting;

namespace TrainingPipeline.Analysis.Tests.Reporting;

/// <summary>What the report says about the tests it made: the hinge null actually used and the saturation verdict's reach.</summary>
public class ReportWordingTests
{
    [Fact]
    public void TheMethodTextNamesTheHingeNullTheAnalysisUses()
    {
        // The null along compute, as AnalyzeRuns applies it by default.
        var random = new Random(1);
        string[] runs = [.. Enumerable.Range(0, 30).Select(i => $"run{i / 10}")];
        long[] steps = [.. Enumerable.Range(0, 30).Select(i => (long)(1 + i % 10))];
        double[] x = [.. steps.Select(s => 12 + 0.2 * s)];
        double[] y = [.. x.Select(v => 0.1 * v + 0.02 * SyntheticData.Gaussian(random))];
        var used = HingeRegression.AnalyzeRuns("g", "x", runs, steps, x, y, 49, 0).NullModel;
        Assert.Equal(HingeRegression.NullModelName(HingeNull.CrossFittedSlopeChangeT), used);
        Assert.Contains(used, ReportComposer.InflectionMethod);
        Assert.Contains("breakpoint fitted to the other runs", ReportComposer.InflectionMethod);
        // The rejected test (each run's own hinge fit) must not be what the report says was done.
        Assert.DoesNotContain("each run's own hinge fit gives its slope change", ReportComposer.InflectionMethod);
        Assert.DoesNotContain(HingeRegression.NullModelName(HingeNull.RunSlopeChangeT), ReportComposer.InflectionMethod);
    }

    [Fact]
    public void BelowEightSeedsNoSaturationIsNotCalledAdequate()
    {
        // Five seeds of a straight line in log-compute: tested, no saturation; but 5 < 8 seeds, so the ceiling may be missed.
        var random = new Random(4);
        var points = Enumerable.Range(0, 5).SelectMany(r => SyntheticData.LogSpace(1e12, 1e18, 24).Select(c => new LawPoint(c,
            0.1 + 0.1 * Math.Log10(c / 1e12) + 0.01 * SyntheticData.Gaussian(random), Cluster: $"run{r}"))).ToList();
        var options = new FitOptions(Bootstrap: 20, EarlyComputeFraction: 0);
        var linear = LawAnalysis.Run(new RlLogLinearLaw(), points, "g", options, "test");
        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", options, "test");
        Assert.True(LawComparison.Compare(linear, sigmoid).Tested);
        var verdict = ReportComposer.Preferred(linear, sigmoid);
        Assert.StartsWith("no saturation detected", verdict);
        Assert.DoesNotContain("adequate", verdict);
        Assert.EndsWith("design below the calibrated minimum (n seeds 5 < 8): a ceiling can be missed", verdict);
    }

    [Theory]
    [InlineData(3, 4, true)]
    [InlineData(3, 5, false)]
    [InlineData(4, 4, false)]
    public void ACohortAtExactlyTheMinimumDesignCarriesACaution(int runCount, int stepCount, bool cautioned)
    {
        var random = new Random(2);
        string[] runs = [.. Enumerable.Range(0, runCount * stepCount).Select(i => $"run{i / stepCount}")];
        long[] steps = [.. Enumerable.Range(0, runCount * stepCount).Select(i => (long)(1 + i % stepCount))];
        double[] x = [.. steps.Select(s => 12 + 0.2 * s)];
        double[] y = [.. x.Select(v => 0.1 * v + 0.02 * SyntheticData.Gaussian(random))];
        var analysis = HingeRegression.AnalyzeRuns("g", "x", runs, steps, x, y, 49, 0);
        if (cautioned) Assert.Contains("design at the minimum (3 runs × 4 steps)", analysis.DesignNote);
        else Assert.Null(analysis.DesignNote);
    }

    [Fact]
    public void TheHingeTestLeavesOutTheEarlyRegimeLikeTheLaws()
    {
        // Per run: run a ends at compute 100, so its evaluation at 5 (< 10%) is early; run b ends at 9, so its 1 (≥ 0.9) is kept.
        RlHeldOutPoint P(string run, double compute) => new("", run, (long)compute, compute, 0.5);
        var kept = AnalysisStage.HingePoints([P("a", 1), P("a", 5), P("a", 100), P("b", 1), P("b", 9)], EarlyRegime.DefaultFraction);
        Assert.Equal([("a", 100.0), ("b", 1.0), ("b", 9.0)], kept.Select(p => (p.RunId, p.Compute)));
    }
}
