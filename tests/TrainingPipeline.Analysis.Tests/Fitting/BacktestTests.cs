using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class BacktestTests
{
    [Fact]
    public void HoldsOutTheTopOfTheLogComputeRange()
    {
        // 20 points evenly spaced in log10 C from 12 to 18: the top 25% of the range is log10 C >= 16.5.
        var result = Backtest.Run(new RlLogLinearLaw(), SyntheticData.LogLinear(seed: 0), 0.25, out var reason);
        Assert.Null(reason);
        Assert.NotNull(result);
        Assert.Equal(16.5, Math.Log10(result.CutoffCompute), 9);
        Assert.Equal(5, result.HeldOutPoints);
        Assert.Equal(15, result.TrainPoints);
    }

    [Fact]
    public void SelectsTheSaturatingLawWhenTheDataSaturate()
    {
        // Data from the sigmoid saturate at the top; a straight line in log C overshoots there.
        var points = SyntheticData.Sigmoid(seed: 5, count: 40, noise: 0.01);
        var linear = Backtest.Run(new RlLogLinearLaw(), points, 0.25, out _)!;
        var sigmoid = Backtest.Run(new RlSigmoidLaw(), points, 0.25, out _)!;
        Assert.True(sigmoid.RootMeanSquaredError < linear.RootMeanSquaredError,
            $"sigmoid {sigmoid.RootMeanSquaredError:G3} vs log-linear {linear.RootMeanSquaredError:G3}");
    }

    [Fact]
    public void SaysWhyWhenTooFewPointsRemainBelowTheCutoff()
    {
        var points = SyntheticData.Sigmoid(seed: 0, count: 6);
        Assert.Null(Backtest.Run(new RlSigmoidLaw(), points, 0.25, out var reason));
        Assert.Contains("need ≥ 8 points — twice the law's 4 fitted parameters — at ≥ 5 distinct steps", reason);
    }

    [Fact]
    public void CountsDistinctStepsNotPointsOfSeveralRuns()
    {
        // 4 seeds at log-spaced steps 32, 64 (below the cutoff), 128, 256: 8 fitted points, but only 2 steps — the old
        // point count accepted them, yet 2 compute levels cannot place a 4-parameter sigmoid.
        var random = new Random(3);
        var points = Enumerable.Range(0, 4).SelectMany(r => new long[] { 32, 64, 128, 256 }.Select(step => new LawPoint(
            1e12 * step * (1 + 0.001 * r), 0.1 + 0.6 / (1 + 40.0 / step) + 0.01 * SyntheticData.Gaussian(random), Cluster: $"run{r}", Step: step)))
            .ToList();
        Assert.Null(Backtest.Run(new RlSigmoidLaw(), points, 0.5, out var reason));
        Assert.Contains("have 8 points at 2 distinct steps", reason);
        Assert.Equal((8, 2), Backtest.CountDesignPoints([.. points.Where(p => p.Step <= 64)]));
        // A run evaluated twice at one step is one design point.
        Assert.Equal((1, 1), Backtest.CountDesignPoints([new LawPoint(1, 0.1, Cluster: "a", Step: 5), new LawPoint(1, 0.2, Cluster: "a", Step: 5)]));
    }
}
