using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>
/// Over 40 synthetic data sets from a known law, the 95% bootstrap interval of every parameter must cover the truth
/// at least 34 times (85%): a correctly calibrated 95% interval fails this with probability below 1%. Intervals must
/// also stay informative: their median width at most 3× the spread (2nd to 39th of 40) of the point estimates over
/// the same data sets, so an interval cannot pass by being arbitrarily wide.
/// </summary>
public class LawCoverageTests
{
    private const int Repetitions = 40;
    private const int Resamples = 150;

    public static TheoryData<string> Laws => new() { "chinchilla", "loss-compute", "rl-loglinear", "rl-sigmoid" };

    [Theory]
    [MemberData(nameof(Laws))]
    public void IntervalsCoverTheTruthAtTheStatedRate(string lawName)
    {
        var (law, truth, make) = Setup(lawName);
        var covered = truth.Keys.ToDictionary(k => k, _ => 0);
        var widths = truth.Keys.ToDictionary(k => k, _ => new List<double>());
        var estimates = truth.Keys.ToDictionary(k => k, _ => new List<double>());
        for (var seed = 0; seed < Repetitions; seed++)
        {
            var fitted = LawAnalysis.Run(law, make(seed), "all", new FitOptions(Resamples, seed, BacktestFraction: 0, EarlyComputeFraction: 0), "synthetic");
            Assert.True(fitted.BootstrapSucceeded >= Resamples * 0.9, $"only {fitted.BootstrapSucceeded} resamples fitted");
            foreach (var name in truth.Keys)
            {
                var estimate = fitted.Parameter(name);
                if (estimate.Covers(truth[name])) covered[name]++;
                widths[name].Add(estimate.CiHigh - estimate.CiLow);
                estimates[name].Add(estimate.Value);
            }
        }
        foreach (var name in truth.Keys)
        {
            Assert.True(covered[name] >= 34, $"{lawName}.{name}: the 95% interval covered the truth {covered[name]}/40 times");
            var sorted = estimates[name].Order().ToArray();
            var spread = sorted[^2] - sorted[1];
            var medianWidth = widths[name].Order().ElementAt(Repetitions / 2);
            Assert.True(medianWidth <= 3 * spread,
                $"{lawName}.{name}: median interval width {medianWidth:G3} vs sampling spread {spread:G3}");
        }
    }

    private static (IScalingLaw, Dictionary<string, double>, Func<int, List<LawPoint>>) Setup(string lawName) => lawName switch
    {
        "chinchilla" => (new ChinchillaLaw(ChinchillaLaw.CoarseGrid), SyntheticData.ChinchillaTruth, s => SyntheticData.Chinchilla(s)),
        "loss-compute" => (new LossComputeLaw(LossComputeLaw.CoarseGrid), SyntheticData.LossComputeTruth, s => SyntheticData.LossCompute(s)),
        "rl-loglinear" => (new RlLogLinearLaw(), SyntheticData.LogLinearTruth, s => SyntheticData.LogLinear(s)),
        _ => (new RlSigmoidLaw(), SyntheticData.SigmoidTruth, s => SyntheticData.Sigmoid(s, count: 40)),
    };
}
