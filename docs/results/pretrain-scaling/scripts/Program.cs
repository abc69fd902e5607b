using System.Globalization;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Points;
using TrainingPipeline.Results;

// Two checks of docs/results/pretrain-scaling/README.md that analyze report does not print.
//   size <results>                 fit Chinchilla on N ≤ 600k, predict the larger models' runs (RMSE, jackknife-t over runs)
//   coverage <results> <σ> <sets>  leave-one-run-out jackknife-t coverage on exactly this grid, truth = the study's fit,
//                                  log-normal noise σ (coarse initialisation grid, as the calibration tests use)
var mode = args[0];
var points = ResultsPoints.From(ResultsReader.Read(args[1])).Pretrain.ToList();
if (mode == "size")
{
    var law = new ChinchillaLaw();
    var train = points.Where(p => p.ModelSize <= 6e5).ToList();
    var held = points.Where(p => p.ModelSize > 6e5).ToList();
    var fit = law.Fit(train);
    double Rmse(LawFit f, List<LawPoint> h) => Math.Sqrt(h.Average(p => Math.Pow(law.Predict(f, p) - p.Value, 2)));
    var rmse = Rmse(fit, held);
    foreach (var p in held) Console.WriteLine($"N {p.ModelSize:F0} D {p.Tokens:F0}: loss {p.Value:F4}, predicted {law.Predict(fit, p):F4}");
    var leaveOneOut = points.Select(p => p.Cluster).Distinct()
        .Select(run => Rmse(law.Fit([.. train.Where(p => p.Cluster != run)], fit), [.. held.Where(p => p.Cluster != run)])).ToList();
    var (low, high) = Backtest.JackknifeT(rmse, leaveOneOut);
    Console.WriteLine($"fit on {train.Count} runs, {held.Count} predicted: RMSE {rmse:F4} [{Math.Max(0, low):F4}, {high:F4}]");
}
else
{
    var sigma = double.Parse(args[2], CultureInfo.InvariantCulture);
    var sets = int.Parse(args[3], CultureInfo.InvariantCulture);
    var truth = new Dictionary<string, double> { ["E"] = 0.1402, ["A"] = 24.05, ["B"] = 315.2, ["alpha"] = 0.4273, ["beta"] = 0.4728 };
    var law = new ChinchillaLaw(ChinchillaLaw.CoarseGrid);
    var covered = truth.Keys.ToDictionary(k => k, _ => 0);
    var widths = truth.Keys.ToDictionary(k => k, _ => new List<double>());
    var random = new Random(1);
    for (var s = 0; s < sets; s++)
    {
        var simulated = points.Select((p, i) =>
        {
            var mean = truth["E"] + truth["A"] / Math.Pow(p.ModelSize, truth["alpha"]) + truth["B"] / Math.Pow(p.Tokens, truth["beta"]);
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return p with { Value = mean * Math.Exp(sigma * z), Cluster = $"run{i}" };
        }).ToList();
        var fitted = LawAnalysis.Run(law, simulated, "simulated", new FitOptions(200, s, 0, 0, ReplicateUnit: RunLevelIntervals.Lineage), "simulated");
        foreach (var k in truth.Keys)
        {
            if (fitted.Parameter(k).Covers(truth[k])) covered[k]++;
            widths[k].Add(fitted.Parameter(k).CiHigh - fitted.Parameter(k).CiLow);
        }
    }
    Console.WriteLine($"σ {sigma}, {sets} data sets: " + string.Join(", ", covered.Select(kv =>
        $"{kv.Key} {(double)kv.Value / sets:P1} (median width {widths[kv.Key].Order().ElementAt(sets / 2):G3})")));
}
