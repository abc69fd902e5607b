using TrainingPipeline.Analysis.Fitting;

namespace TrainingPipeline.Analysis.Tests.Fitting;

/// <summary>
/// Points without a run or lineage id (an external table without <c>--col run=</c>): over 40 synthetic data sets from
/// a known law, the 95% percentile bootstrap interval over points of every parameter must cover the truth
/// at least 34 times (85%): a correctly calibrated 95% interval fails this with probability below 1%. Intervals must
/// also stay informative: their median width at most 3× the spread (2nd to 39th of 40) of the point estimates over
/// the same data sets, so an interval cannot pass by being arbitrarily wide.
/// </summary>
public class LawCoverageTests(Xunit.Abstractions.ITestOutputHelper output)
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

    /// <summary>
    /// Pre-training laws as the analysis stage fits them: every point its own lineage, leave-one-lineage-out
    /// jackknife-t. Over 200 data sets per law a calibrated 95% interval covers in 90–99% of them (±3 points of binomial
    /// noise). Measured (2026-12-06, 200 data sets, docs/analysis.md "Calibration"): chinchilla E 95.0%, A 96.5%, B 93.5%,
    /// alpha 97.5%, beta 94.0%; loss-compute E 89.0%, A 90.5%, alpha 91.0% (1,000 data sets: E 90.7%, A 91.9%, alpha 91.8%).
    /// The assertion is one-sided at the low end: it fails only when the 95% upper bound of a coverage is below 90%, so
    /// loss-compute's E at 89.0% passes as compatible with 90% — it is at the lower edge, not shown to be above it.
    /// Taking t on lineages − parameters df (13 instead of 15 for 16 lineages) would widen the intervals by only 1.4%
    /// (~0.5 point of coverage under a normal approximation); not changed, for lack of time to re-measure.
    /// </summary>
    [Theory]
    [InlineData("chinchilla")]
    [InlineData("loss-compute")]
    public void PretrainingIntervalsOverLineagesAreJackknifeTAndCoverTheTruth(string lawName)
    {
        const int dataSets = 200;
        var (law, truth, make) = Setup(lawName);
        var covered = truth.Keys.ToDictionary(k => k, _ => 0);
        for (var seed = 0; seed < dataSets; seed++)
        {
            var points = make(seed).Select((p, i) => p with { Cluster = $"lineage{i}" }).ToList();
            var fitted = LawAnalysis.Run(law, points, "pretrain",
                new FitOptions(Resamples, seed, BacktestFraction: 0, EarlyComputeFraction: 0, ReplicateUnit: RunLevelIntervals.Lineage), "synthetic");
            Assert.Equal(("lineage", "jackknife-t over lineages"), (fitted.ResamplingUnit, fitted.IntervalMethod));
            foreach (var name in truth.Keys)
                if (fitted.Parameter(name).Covers(truth[name])) covered[name]++;
        }
        output.WriteLine($"{lawName}: " + string.Join(", ", covered.Select(kv => $"{kv.Key} {(double)kv.Value / dataSets:P1}")));
        // Fails when the data show the coverage is below 90% (one-sided 95% Clopper–Pearson upper bound), or above 99%.
        Assert.All(covered, kv =>
        {
            var upper = MathNet.Numerics.Distributions.Beta.InvCDF(kv.Value + 1, dataSets - kv.Value, 0.95);
            Assert.True(upper >= 0.90 && kv.Value <= 0.99 * dataSets, $"{lawName}.{kv.Key}: covered {kv.Value}/{dataSets} (upper bound {upper:P1})");
        });
    }

    /// <summary>
    /// L(C) as the analysis stage fits it: on the compute-efficient frontier of a 6 × 5 Chinchilla grid (every cell its own
    /// lineage, 1% noise), with the frontier selected again inside every leave-one-lineage-out refit. The target is what the
    /// same procedure gives on the noise-free grid. Measured (2026-12-06, 200 data sets): E 93.5%, A 95.0%, alpha 94.5%.
    /// (With the selection held fixed, as before, a one-off simulation on a similar grid covered E 87%, alpha 91%:
    /// docs/analysis.md, "L(C) is fitted to the compute-efficient frontier".)
    /// </summary>
    [Fact]
    public void LossComputeOnTheFrontierCoversTheTruthWithTheSelectionRemade()
    {
        const int dataSets = 200;
        var law = new LossComputeLaw(LossComputeLaw.CoarseGrid);
        static List<LawPoint> Lineages(List<LawPoint> points) => [.. points.Select((p, i) => p with { Cluster = $"lineage{i}" })];
        var truth = law.Fit(ComputeFrontier.Select(Lineages(SyntheticData.Chinchilla(0, logNoise: 0)))).Parameters;
        var covered = truth.Keys.ToDictionary(k => k, _ => 0);
        for (var seed = 0; seed < dataSets; seed++)
        {
            var fitted = LawAnalysis.Run(law, Lineages(SyntheticData.Chinchilla(seed)), "pretrain",
                new FitOptions(Resamples, seed, BacktestFraction: 0, EarlyComputeFraction: 0, ReplicateUnit: RunLevelIntervals.Lineage), "synthetic",
                select: ComputeFrontier.Select);
            foreach (var name in truth.Keys)
                if (fitted.Parameter(name).Covers(truth[name])) covered[name]++;
        }
        output.WriteLine("loss-compute on the frontier: " + string.Join(", ", covered.Select(kv => $"{kv.Key} {(double)kv.Value / dataSets:P1}")));
        Assert.All(covered, kv =>
        {
            var upper = MathNet.Numerics.Distributions.Beta.InvCDF(kv.Value + 1, dataSets - kv.Value, 0.95);
            Assert.True(upper >= 0.90 && kv.Value <= 0.99 * dataSets, $"loss-compute on the frontier, {kv.Key}: covered {kv.Value}/{dataSets} (upper bound {upper:P1})");
        });
    }

    private static (IScalingLaw, Dictionary<string, double>, Func<int, List<LawPoint>>) Setup(string lawName) => lawName switch
    {
        "chinchilla" => (new ChinchillaLaw(ChinchillaLaw.CoarseGrid), SyntheticData.ChinchillaTruth, s => SyntheticData.Chinchilla(s)),
        "loss-compute" => (new LossComputeLaw(LossComputeLaw.CoarseGrid), SyntheticData.LossComputeTruth, s => SyntheticData.LossCompute(s)),
        "rl-loglinear" => (new RlLogLinearLaw(), SyntheticData.LogLinearTruth, s => SyntheticData.LogLinear(s)),
        _ => (new RlSigmoidLaw(), SyntheticData.SigmoidTruth, s => SyntheticData.Sigmoid(s, count: 40)),
    };
}
