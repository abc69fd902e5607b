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
        Assert.Contains("need ≥ 8: twice the law's 4 parameters", reason);
    }
}
