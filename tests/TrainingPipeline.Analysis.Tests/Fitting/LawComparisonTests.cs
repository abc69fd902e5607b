using TrainingPipeline.Analysis.Reporting;
using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class LawComparisonTests
{
    [Fact]
    public void EarlyRegimeIsCutPerRun()
    {
        LawPoint P(double c, string run) => new(c, 0.5, Cluster: run);
        var kept = EarlyRegime.Discard([P(1, "a"), P(5, "a"), P(100, "a"), P(1, "b"), P(9, "b")], 0.1);
        Assert.Equal([100.0, 1, 9], kept.Select(p => p.Compute)); // 5 < 10% of run a's 100
    }

    [Fact]
    public void ACeilingBelowWhatTheRunsReachedIsAFailedFit()
    {
        LawPoint P(double c, double v, string run) => new(c, v, Cluster: run);
        List<LawPoint> points = [P(1, 0.3, "a"), P(2, 0.7, "a"), P(1, 0.3, "b"), P(2, 0.72, "b")];
        Assert.Contains("failed fit", LawAnalysis.CeilingFailure(new ParameterEstimate("A", 0.576, 0.45, 0.708), points));
        Assert.Null(LawAnalysis.CeilingFailure(new ParameterEstimate("A", 0.65, 0.5, 0.8), points));
    }

    [Fact]
    public void WithoutThreeRunsACeilingBelowTheObservedMaximumIsWithheld()
    {
        // No interval to call the fit failed, but an estimate below what the runs reached is not printed as a value.
        LawPoint P(double c, double v, string run) => new(c, v, Cluster: run);
        List<LawPoint> points = [P(1, 0.3, "a"), P(2, 0.7, "a"), P(1, 0.3, "b"), P(2, 0.72, "b")];
        List<ParameterEstimate> below = [new("R0", 0.1, double.NaN, double.NaN), new("A", 0.6, double.NaN, double.NaN, 0.01)];
        Assert.Contains("A withheld", LawAnalysis.WithholdCeilingBelowObserved(below, points));
        Assert.True(double.IsNaN(below[1].Value));
        Assert.Equal(0.1, below[0].Value);
        List<ParameterEstimate> above = [new("A", 0.75, double.NaN, double.NaN, 0.01)];
        Assert.Null(LawAnalysis.WithholdCeilingBelowObserved(above, points));
        Assert.Equal(0.75, above[0].Value);
    }

    [Fact]
    public void NoPreferenceWithoutThreeRuns()
    {
        var points = SyntheticData.Sigmoid(seed: 0, count: 30).Select((p, i) => p with { Cluster = $"run{i % 2}" }).ToList();
        var options = new FitOptions(Bootstrap: 20, EarlyComputeFraction: 0);
        var linear = LawAnalysis.Run(new RlLogLinearLaw(), points, "g", options, "test");
        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", options, "test");
        var verdict = LawComparison.Compare(linear, sigmoid);
        Assert.Null(verdict.Preferred);
        Assert.Contains("no run-level interval", verdict.Reason);
        Assert.False(verdict.Tested);
        // Nothing was tested, so no verdict is printed (it used to say "log-linear adequate").
        Assert.StartsWith("no verdict: ", ReportComposer.Preferred(linear, sigmoid));
        Assert.Contains("n runs < 3", ReportComposer.Preferred(linear, sigmoid));
    }

    [Fact]
    public void SaturatingRunsPreferTheSigmoid()
    {
        // Five low-noise seeds of a curve that saturates over the held-out half: the paired interval excludes zero.
        var random = new Random(2);
        var points = Enumerable.Range(0, 5).SelectMany(r => SyntheticData.LogSpace(1e12, 1e18, 24).Select(c => new LawPoint(c,
            0.05 + 0.75 / (1 + Math.Pow(1e14 / c, 1.0)) + 0.005 * SyntheticData.Gaussian(random), Cluster: $"run{r}"))).ToList();
        var options = new FitOptions(Bootstrap: 20, EarlyComputeFraction: 0);
        var linear = LawAnalysis.Run(new RlLogLinearLaw(), points, "g", options, "test");
        var sigmoid = LawAnalysis.Run(new RlSigmoidLaw(), points, "g", options, "test");
        Assert.Equal(RlSigmoidLaw.LawName, LawComparison.Compare(linear, sigmoid).Preferred);
        Assert.Equal("rl-sigmoid: saturation detected", ReportComposer.Preferred(linear, sigmoid));
    }
}
