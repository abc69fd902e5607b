using MathNet.Numerics.Statistics;

namespace TrainingPipeline.Analysis.Fitting;

/// <summary>
/// Percentile bootstrap: refit the law on resamples of the data and take the 2.5% and 97.5% quantiles of every
/// parameter and derived quantity. When the points come from several runs (clusters), whole runs are resampled,
/// because points from one run (e.g. evaluations along an RL run) are not independent.
/// </summary>
public static class BootstrapIntervals
{
    /// <summary>Fewest distinct runs for which resampling runs (rather than points) is used.</summary>
    public const int MinimumClustersForRunResampling = 3;

    public sealed record Result(
        IReadOnlyDictionary<string, (double Low, double High)> Intervals,
        int Requested,
        int Succeeded,
        string ResamplingUnit);

    public static Result Compute(IScalingLaw law, IReadOnlyList<LawPoint> points, LawFit fit, int resamples, long seed)
    {
        var clusters = points.Where(p => p.Cluster is not null).Select(p => p.Cluster!).Distinct().ToArray();
        var byRun = clusters.Length >= MinimumClustersForRunResampling && points.All(p => p.Cluster is not null)
            && clusters.Length < points.Count;
        var groups = byRun
            ? points.GroupBy(p => p.Cluster!).Select(g => g.ToArray()).ToArray()
            : points.Select(p => new[] { p }).ToArray();
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var samples = new Dictionary<string, List<double>>();
        var succeeded = 0;
        for (var r = 0; r < resamples; r++)
        {
            var resample = new List<LawPoint>(points.Count);
            for (var k = 0; k < groups.Length; k++) resample.AddRange(groups[random.Next(groups.Length)]);
            if (resample.Select(p => p.Compute).Distinct().Count() < 2) continue;
            LawFit refit;
            try
            {
                refit = law.Fit(resample, warmStart: fit);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                continue; // A degenerate resample (e.g. one compute value) has no fit; it is counted as failed.
            }
            var values = refit.Parameters.Concat(law.Derived(refit, points)).ToList();
            if (values.Any(kv => !double.IsFinite(kv.Value))) continue;
            succeeded++;
            foreach (var (name, value) in values)
            {
                if (!samples.TryGetValue(name, out var list)) samples[name] = list = [];
                list.Add(value);
            }
        }
        var intervals = samples.ToDictionary(
            kv => kv.Key,
            kv => (Statistics.Quantile(kv.Value, 0.025), Statistics.Quantile(kv.Value, 0.975)));
        return new Result(intervals, resamples, succeeded, byRun ? $"runs ({groups.Length})" : $"points ({points.Count})");
    }
}
