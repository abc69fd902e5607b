using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class BootstrapIntervalsTests
{
    [Fact]
    public void ResamplesWholeRunsWhenPointsComeFromSeveralRuns()
    {
        var points = SyntheticData.LogLinear(seed: 0).Select((p, i) => p with { Cluster = $"run{i % 4}" }).ToList();
        var law = new RlLogLinearLaw();
        var result = BootstrapIntervals.Compute(law, points, law.Fit(points), 50, seed: 1);
        Assert.Equal("runs (4)", result.ResamplingUnit);
        Assert.Equal(50, result.Succeeded);
    }

    [Fact]
    public void ResamplesPointsWithoutRuns()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        var law = new RlLogLinearLaw();
        var result = BootstrapIntervals.Compute(law, points, law.Fit(points), 50, seed: 1);
        Assert.Equal("points (20)", result.ResamplingUnit);
        var (low, high) = result.Intervals["b"];
        Assert.True(low < 0.1 && 0.1 < high);
    }

    [Fact]
    public void SameSeedGivesSameIntervals()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        var law = new RlLogLinearLaw();
        var first = BootstrapIntervals.Compute(law, points, law.Fit(points), 30, seed: 7);
        var second = BootstrapIntervals.Compute(law, points, law.Fit(points), 30, seed: 7);
        Assert.Equal(first.Intervals["a"], second.Intervals["a"]);
    }
}
