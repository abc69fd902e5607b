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
}
