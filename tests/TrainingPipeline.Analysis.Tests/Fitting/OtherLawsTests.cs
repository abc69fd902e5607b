using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tests.Fitting;

public class OtherLawsTests
{
    [Fact]
    public void LossComputeRecoversKnownParameters()
    {
        var fit = new LossComputeLaw().Fit(SyntheticData.LossCompute(seed: 2, logNoise: 0.001));
        Assert.InRange(fit["E"], 1.97, 2.03);
        Assert.InRange(fit["alpha"], 0.14, 0.16);
    }

    [Fact]
    public void LogLinearRecoversKnownParameters()
    {
        var fit = new RlLogLinearLaw().Fit(SyntheticData.LogLinear(seed: 3, noise: 0.001));
        Assert.InRange(fit["a"], -1.01, -0.99);
        Assert.InRange(fit["b"], 0.099, 0.101);
    }

    [Fact]
    public void SigmoidRecoversKnownParameters()
    {
        var fit = new RlSigmoidLaw().Fit(SyntheticData.Sigmoid(seed: 4, noise: 0.002));
        Assert.InRange(fit["R0"], 0.04, 0.06);
        Assert.InRange(fit["A"], 0.79, 0.81);
        Assert.InRange(fit["B"], 1.1, 1.3);
        Assert.InRange(Math.Log10(fit["C_mid"]), 14.95, 15.05);
    }

    [Fact]
    public void NonPositiveComputeIsBadInput()
    {
        var points = SyntheticData.LogLinear(seed: 0);
        points[0] = points[0] with { Compute = 0 };
        var error = Assert.Throws<BadInputException>(() => new RlLogLinearLaw().Validate(points, "scores.csv"));
        Assert.Contains("C (compute)", error.Message);
        Assert.Contains("row 1", error.Message);
    }

    [Fact]
    public void NaNScoreIsBadInput()
    {
        var points = SyntheticData.Sigmoid(seed: 0);
        points[7] = points[7] with { Value = double.NaN };
        var error = Assert.Throws<BadInputException>(() => new RlSigmoidLaw().Validate(points, "scores.csv"));
        Assert.Contains("score", error.Message);
    }

    [Fact]
    public void UnknownLawNameIsBadInput() =>
        Assert.Throws<BadInputException>(() => ScalingLaws.ByName("kaplan"));
}
