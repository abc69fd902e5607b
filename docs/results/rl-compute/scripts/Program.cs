using MathNet.Numerics.Distributions;
using Parquet.Serialization;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

// Per RL run of a results folder: eval-split pass@1 at each evaluated step and the training pass rate (steps table)
// averaged over the steps in (s/2, s]; then the comparisons docs/results/rl-compute/README.md quotes (the last, the
// train-split against eval-split table, is described where it is computed, at the end):
// pass@1 at a matched compute (interpolated linearly in log10 compute between the evaluations around it; Welch t over
// runs) and, for GRPO, the training pass rate over steps 257–512 minus the mean eval pass@1 at steps 256 and 512.
var root = args.Length > 0 ? args[0] : "docs/results/rl-compute/results";
var matched = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6.5e11;
var data = ResultsReader.Read(root);
var passRates = new List<(string RunId, long Step, double Rate)>();
foreach (var file in Directory.GetFiles(Path.Combine(root, "steps"), "*.parquet", SearchOption.AllDirectories))
{
    var runId = file.Split(Path.DirectorySeparatorChar).First(p => p.StartsWith("run_id=", StringComparison.Ordinal))["run_id=".Length..];
    await using var stream = File.OpenRead(file);
    foreach (var row in (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data)
        if (row.TryGetValue("pass_rate", out var rate) && rate is not null)
            passRates.Add((runId, Convert.ToInt64(row["step"], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(rate, System.Globalization.CultureInfo.InvariantCulture)));
}

// The ScaleRL recipe is the runs whose rl section sets loss: cispo (docs/results/rl-compute/README.md).
string Recipe(RunRow run)
{
    using var config = System.Text.Json.JsonDocument.Parse(run.ConfigJson);
    return Loss(config.RootElement) == "cispo" ? "scalerl" : "grpo";
}
static string? Loss(System.Text.Json.JsonElement e)
{
    if (e.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
    foreach (var p in e.EnumerateObject())
        if (p.Name == "loss" && p.Value.ValueKind == System.Text.Json.JsonValueKind.String) return p.Value.GetString();
        else if (Loss(p.Value) is { } found) return found;
    return null;
}
var byRecipe = new Dictionary<string, List<double>> { ["grpo"] = [], ["scalerl"] = [] };
var gaps = new List<double>();
foreach (var run in data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).OrderBy(Recipe, StringComparer.Ordinal).ThenBy(r => r.Seed))
{
    var evals = data.Evals.Where(e => e.RunId == run.RunId && e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1").OrderBy(e => e.Step).ToList();
    var rates = passRates.Where(r => r.RunId == run.RunId).ToList();
    Console.WriteLine($"{run.RunId} {Recipe(run)} seed {run.Seed}");
    foreach (var e in evals)
    {
        var window = rates.Where(r => r.Step > e.Step / 2 && r.Step <= e.Step).Select(r => r.Rate).ToList();
        Console.WriteLine($"  step {e.Step,4}  RL FLOPs {e.RunFlops:E2}  eval-split pass@1 {e.Value:F3} ± {e.Stderr:F3}  " +
                          $"train pass rate {(window.Count > 0 ? window.Average().ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "-")}");
    }
    var points = evals.Where(e => e.RunFlops > 0).Select(e => (X: Math.Log10(e.RunFlops), Y: e.Value)).ToList();
    var at = points.Zip(points.Skip(1)).Where(p => p.First.X <= Math.Log10(matched) && Math.Log10(matched) <= p.Second.X)
        .Select(p => p.First.Y + (p.Second.Y - p.First.Y) * (Math.Log10(matched) - p.First.X) / (p.Second.X - p.First.X)).FirstOrDefault(double.NaN);
    byRecipe[Recipe(run)].Add(at);
    if (Recipe(run) == "grpo")
    {
        var late = rates.Where(r => r.Step is > 256 and <= 512).Select(r => r.Rate).Average();
        gaps.Add(late - (evals.Single(e => e.Step == 256).Value + evals.Single(e => e.Step == 512).Value) / 2);
    }
}

static (double Mean, double Variance) Moments(List<double> v)
{
    var mean = v.Average();
    return (mean, v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
}
var (g, vg) = Moments(byRecipe["grpo"]);
var (s, vs) = Moments(byRecipe["scalerl"]);
double seG = vg / byRecipe["grpo"].Count, seS = vs / byRecipe["scalerl"].Count;
var df = Math.Pow(seG + seS, 2) / (seG * seG / (byRecipe["grpo"].Count - 1) + seS * seS / (byRecipe["scalerl"].Count - 1));
var half = StudentT.InvCDF(0, 1, Math.Floor(df), 0.975) * Math.Sqrt(seG + seS);
Console.WriteLine($"pass@1 at {matched:E2} RL FLOPs: GRPO {string.Join(" ", byRecipe["grpo"].Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}, " +
                  $"ScaleRL {string.Join(" ", byRecipe["scalerl"].Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; " +
                  $"difference {s - g:F3} [{s - g - half:F3}, {s - g + half:F3}] (Welch t, df {df:F1} rounded down)");
var (gap, vgap) = Moments(gaps);
var gapHalf = StudentT.InvCDF(0, 1, gaps.Count - 1, 0.975) * Math.Sqrt(vgap / gaps.Count);
Console.WriteLine($"GRPO training pass rate (steps 257–512) minus eval-split pass@1 (mean of steps 256, 512): {gap:F4} [{gap - gapHalf:F3}, {gap + gapHalf:F3}] (t over {gaps.Count} runs)");

// In-distribution like for like (issue 18 referee): each checkpoint's pass@1 on 500 distinct train-split problems
// (`eval --problem-split train`, rows split train_problems, stage eval) beside its eval-split pass@1 with the same
// evaluator and settings. Per recipe, t over seeds: the final train-split minus eval-split gap (paired by run), and
// each split's gain over the base (the base scored once, on seed 1's problems: its s.e. is printed, not in the interval).
// Zero-shot rows of the latest train-split evaluation of each run (the reader already keeps the latest per key).
var trainRows = data.Evals.Where(e => e.Split == ResultTables.TrainProblems && e.Metric == "pass@1" && e.Shots == 0)
    .GroupBy(e => e.RunId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.WrittenAt)!);
if (trainRows.Count > 0)
{
    var baseRun = data.Runs.Single(r => r.Stage.Kind == StageKind.Pretrain);
    var baseTrain = trainRows[baseRun.RunId];
    Console.WriteLine($"base train-split pass@1 {baseTrain.Value:F3} ± {baseTrain.Stderr:F3} (500 problems, seed 1)");
    foreach (var recipe in new[] { "grpo", "scalerl" })
    {
        var rows = data.Runs.Where(r => r.Stage.Kind == StageKind.Rl && Recipe(r) == recipe).OrderBy(r => r.Seed).Select(run =>
        {
            var evals = data.Evals.Where(e => e.RunId == run.RunId && e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1").OrderBy(e => e.Step).ToList();
            return (Train: trainRows[run.RunId].Value, Eval: evals[^1].Value, EvalBase: evals[0].Value);
        }).ToList();
        string Interval(List<double> v)
        {
            var (mean, variance) = Moments(v);
            var h = StudentT.InvCDF(0, 1, v.Count - 1, 0.975) * Math.Sqrt(variance / v.Count);
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{mean:+0.000;-0.000} [{mean - h:+0.000;-0.000}, {mean + h:+0.000;-0.000}]");
        }
        Console.WriteLine($"{recipe}: final train-split pass@1 {string.Join(" ", rows.Select(r => r.Train.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; " +
                          $"eval-split {string.Join(" ", rows.Select(r => r.Eval.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"  train minus eval (final, paired): {Interval([.. rows.Select(r => r.Train - r.Eval)])}");
        Console.WriteLine($"  train-split gain over the base: {Interval([.. rows.Select(r => r.Train - baseTrain.Value)])}; " +
                          $"eval-split gain over step 0: {Interval([.. rows.Select(r => r.Eval - r.EvalBase)])} (t over {rows.Count} runs)");
    }
}
