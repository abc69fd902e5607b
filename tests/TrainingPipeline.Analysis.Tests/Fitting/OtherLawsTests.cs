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
    public void SigmoidOfPassRatesKeepsItsFloorAndCeilingInsideZeroToOne()
    {
        // Greedy pass@1 of a real RL run (tiny model, one-digit addition) below the backtest cut-off: flat and noisy
        // with a late uptick. Unbounded, the ceiling ran off to 15; a pass rate's ceiling is at most 1.
        double[] log10C = [9.49, 9.79, 10.09, 10.39, 10.49, 10.69, 10.79];
        double[] passAt1 = [0.203, 0.297, 0.188, 0.281, 0.234, 0.188, 0.297];
        var points = log10C.Select((x, i) => new LawPoint(Math.Pow(10, x), passAt1[i])).ToList();
        var law = new RlSigmoidLaw();

        var fit = law.Fit(points);

        Assert.InRange(fit["R0"], 0, 1);
        Assert.InRange(fit["A"], 0, 1);
        foreach (var x in new[] { 8.0, 11.0, 14.0 })
            Assert.InRange(law.Predict(fit, new LawPoint(Math.Pow(10, x), 0)), 0, 1);
    }

    [Fact]
    public void SigmoidOfScoresOutsideZeroToOneIsNotBounded()
    {
        var points = SyntheticData.Sigmoid(seed: 4, noise: 0.002).Select(p => p with { Value = 10 * p.Value }).ToList();
        var fit = new RlSigmoidLaw().Fit(points);
        Assert.InRange(fit["A"], 7.9, 8.1);
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
