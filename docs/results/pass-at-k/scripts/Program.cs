using System.Globalization;
using MathNet.Numerics.Distributions;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

// The pass@k curve of docs/results/pass-at-k/README.md: the `eval` verb's rows (stage eval, eval split) of the base
// (the pre-training run) and of each final RL checkpoint, 500 problems × 64 samples. Per recipe and k: pass@k after
// RL (mean over its runs), its change from the base with a 95% t interval over runs (df = runs − 1) whose standard
// error adds the base's (over problems) in quadrature; then the crossover ks.
var root = args.Length > 0 ? args[0] : "docs/results/pass-at-k/results";
var data = ResultsReader.Read(root);
var family = args.Length > 1 ? args[1] : "list-ops";
var curve = data.Evals.Where(e => e.Stage.Kind == StageKind.Eval && e.EvalSet == family && e.Split == ResultTables.InDistribution && e.Metric.StartsWith("pass@", StringComparison.Ordinal))
    .ToLookup(e => e.RunId);
int K(EvalRow e) => int.Parse(e.Metric["pass@".Length..], CultureInfo.InvariantCulture);
var baseRun = data.Runs.Single(r => r.Stage.Kind == StageKind.Pretrain);
var baseCurve = curve[baseRun.RunId].ToDictionary(K);
var ks = baseCurve.Keys.Order().ToList();
string Recipe(RunRow run) => run.ConfigJson.Contains("cispo", StringComparison.Ordinal) ? "ScaleRL recipe" : "GRPO";
string F(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
Console.WriteLine("k    base            " + string.Join("  ", data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).Select(Recipe).Distinct().Order()
    .Select(r => $"{r + " after",-14} {"change [95% CI]",-26}")));
var changes = new Dictionary<string, List<(int K, double Mean, double Low, double High)>>();
var afterMeans = new Dictionary<string, List<double>>();
foreach (var k in ks)
{
    var line = $"{k,-4} {baseCurve[k].Value:F3} ± {baseCurve[k].Stderr:F3}   ";
    foreach (var group in data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).GroupBy(Recipe).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        var after = group.Select(r => curve[r.RunId].Single(e => K(e) == k).Value).ToList();
        double mean = after.Average(), variance = after.Sum(v => (v - mean) * (v - mean)) / (after.Count - 1);
        double se = Math.Sqrt(variance / after.Count + baseCurve[k].Stderr * baseCurve[k].Stderr);
        double half = StudentT.InvCDF(0, 1, after.Count - 1, 0.975) * se, change = mean - baseCurve[k].Value;
        (changes.TryGetValue(group.Key, out var list) ? list : changes[group.Key] = []).Add((k, change, change - half, change + half));
        (afterMeans.TryGetValue(group.Key, out var means) ? means : afterMeans[group.Key] = []).Add(mean);
        line += $"{mean,-14:F3} {F(change)} [{F(change - half)}, {F(change + half)}]    ";
    }
    Console.WriteLine(line.TrimEnd());
}
foreach (var (recipe, list) in changes.OrderBy(c => c.Key, StringComparer.Ordinal))
{
    var above = list.Where(c => c.Low > 0).Select(c => c.K).ToList();
    var below = list.Where(c => c.High < 0).Select(c => c.K).ToList();
    Console.WriteLine($"{recipe}: RL raises pass@k (interval above 0) at k ∈ {{{string.Join(", ", above)}}}, lowers it (below 0) at k ∈ {{{string.Join(", ", below)}}}; " +
        (above.Count > 0 && below.Count > 0 ? $"crossover between k = {above.Max()} and k = {below.Min()}" : "no crossover established"));
}

// The crossover k of each run: where its pass@k minus the base's first turns negative, interpolated linearly in log2 k
// between the two evaluated ks around the sign change; then a t interval over runs on log2 k, reported as k.
foreach (var group in data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).GroupBy(Recipe).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    var crossings = new List<double>();
    foreach (var run in group)
    {
        var diff = ks.Select(k => (X: Math.Log2(k), Y: curve[run.RunId].Single(e => K(e) == k).Value - baseCurve[k].Value)).ToList();
        var turn = diff.Zip(diff.Skip(1)).FirstOrDefault(p => p.First.Y > 0 && p.Second.Y <= 0);
        if (turn != default) crossings.Add(turn.First.X + (turn.Second.X - turn.First.X) * turn.First.Y / (turn.First.Y - turn.Second.Y));
    }
    if (crossings.Count < group.Count() || crossings.Count < 2)
    {
        Console.WriteLine($"{group.Key}: {crossings.Count} of {group.Count()} runs cross below the base within k ≤ {ks.Max()}: no interval");
        continue;
    }
    double mean = crossings.Average(), sd = Math.Sqrt(crossings.Sum(c => (c - mean) * (c - mean)) / (crossings.Count - 1));
    double half = StudentT.InvCDF(0, 1, crossings.Count - 1, 0.975) * sd / Math.Sqrt(crossings.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{group.Key}: crossover k {Math.Pow(2, mean):F1} [{Math.Pow(2, mean - half):F1}, {Math.Pow(2, mean + half):F1}] (per run: {string.Join(", ", crossings.Select(c => Math.Pow(2, c).ToString("F1", CultureInfo.InvariantCulture)))}; t over runs on log2 k; the base's problem-sampling error is not in it)"));
}

// The figure: pass@k against k (log2 axis) for the base and each recipe's mean after RL (its runs as thin lines).
if (args.Length > 2)
{
    var plot = new ScottPlot.Plot();
    double[] xs = [.. ks.Select(k => Math.Log2(k))];
    var baseLine = plot.Add.Scatter(xs, [.. ks.Select(k => baseCurve[k].Value)]);
    baseLine.LegendText = "base";
    baseLine.LineWidth = 2;
    foreach (var group in data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).GroupBy(Recipe).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        var mean = plot.Add.Scatter(xs, [.. afterMeans[group.Key]]);
        mean.LegendText = $"after RL: {group.Key} (mean of {group.Count()} runs)";
        mean.LineWidth = 2;
        foreach (var run in group)
        {
            var thin = plot.Add.Scatter(xs, [.. ks.Select(k => curve[run.RunId].Single(e => K(e) == k).Value)]);
            thin.Color = mean.Color.WithAlpha(0.35);
            thin.LineWidth = 1;
            thin.MarkerSize = 0;
        }
    }
    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ks.Select(k => Math.Log2(k))], [.. ks.Select(k => k.ToString(CultureInfo.InvariantCulture))]);
    plot.XLabel("k (samples per problem credited if any is correct)");
    plot.YLabel($"pass@k, {family} (eval split, 500 problems)");
    plot.Title("pass@k before and after RL");
    plot.ShowLegend(ScottPlot.Alignment.LowerRight);
    plot.SavePng(args[2], 900, 500);
    Console.WriteLine($"figure: {args[2]}");
}
