using System.Globalization;
using System.Text.Json;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

// The tables of docs/results/pretrain-breadth/README.md (`breadth <results>`) and docs/results/in-context/README.md
// (`in-context <results>`). A cell is (model size, corpus breadth); each value is a mean over the cell's runs (one per
// pre-training seed) with a 95% t interval over those runs.
var mode = args.Length > 0 ? args[0] : "breadth";
var data = ResultsReader.Read(args.Length > 1 ? args[1] : $"docs/results/{(mode == "breadth" ? "pretrain-breadth" : "in-context")}/results");
var pretrain = data.Runs.Where(r => r.Stage.Kind == StageKind.Pretrain).ToList();
var byId = data.Runs.ToDictionary(r => r.RunId);

(long Size, int Breadth) Cell(RunRow run)
{
    var root = run.Stage.Kind == StageKind.Pretrain ? run : byId[run.ParentRunId!];
    using var config = JsonDocument.Parse(root.ConfigJson);
    int breadth = StudyStats.Find(config.RootElement, "mixture")?.EnumerateObject().Count()
        ?? throw new InvalidDataException($"run {root.RunId}: no corpus mixture in config_json");
    return (root.ParamsTotal, breadth);
}
var cells = pretrain.GroupBy(Cell).OrderBy(g => g.Key.Size).ThenBy(g => g.Key.Breadth).ToList();

if (mode == "unigram")
{
    // Baselines for the held-out loss: byte-unigram and byte-pair (bigram) models of each corpus (equal bytes from each
    // of its domains' training documents, add-one smoothing over 256 bytes), scored on each held-out domain's
    // evaluation documents in nats per byte. Held-out loss a model beats these by is more than local byte statistics.
    const int bytesPerDomain = 200_000;
    (double[] Unigram, double[,] Pairs) Fit(IEnumerable<string> domains)
    {
        var counts = new double[256];
        var pairs = new double[256, 256];
        foreach (var id in domains)
        {
            long n = 0;
            foreach (var doc in TrainingPipeline.Config.SpecResolver.ResolveDomain(id).Documents(1, TrainingPipeline.Data.CorpusRole.Training))
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(doc);
                for (int i = 0; i < bytes.Length; i++)
                {
                    counts[bytes[i]]++;
                    if (i > 0) pairs[bytes[i - 1], bytes[i]]++;
                }
                n += bytes.Length;
                if (n >= bytesPerDomain) break;
            }
        }
        return (counts, pairs);
    }
    (double Unigram, double Bigram) CrossEntropy((double[] Unigram, double[,] Pairs) model, string domain)
    {
        double total = model.Unigram.Sum(), uni = 0, bi = 0;
        long n = 0;
        foreach (var doc in TrainingPipeline.Config.SpecResolver.ResolveDomain(domain).Documents(7, TrainingPipeline.Data.CorpusRole.Evaluation))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(doc);
            for (int i = 0; i < bytes.Length; i++)
            {
                uni -= Math.Log((model.Unigram[bytes[i]] + 1) / (total + 256));
                if (i == 0) bi -= Math.Log((model.Unigram[bytes[i]] + 1) / (total + 256));
                else
                {
                    double row = 0;
                    for (int b = 0; b < 256; b++) row += model.Pairs[bytes[i - 1], b];
                    bi -= Math.Log((model.Pairs[bytes[i - 1], bytes[i]] + 1) / (row + 256));
                }
            }
            n += bytes.Length;
            if (n >= bytesPerDomain) break;
        }
        return (uni / n, bi / n);
    }
    var heldOut = data.Evals.Where(e => e.Stage.Kind == StageKind.Pretrain && e.Split == ResultTables.HeldOut && e.Metric == "loss")
        .Select(e => e.EvalSet).Distinct().Order(StringComparer.Ordinal).ToList();
    foreach (var corpus in pretrain.GroupBy(r => Cell(r).Breadth).OrderBy(g => g.Key))
    {
        using var config = JsonDocument.Parse(corpus.First().ConfigJson);
        var model = Fit(StudyStats.Find(config.RootElement, "mixture")!.Value.EnumerateObject().Select(p => p.Name));
        Console.WriteLine($"breadth {corpus.Key}: " + string.Join("   ", heldOut.Select(d =>
        {
            var (u, b) = CrossEntropy(model, d);
            return string.Create(CultureInfo.InvariantCulture, $"{d}: byte-unigram {u:F2}, byte-pair {b:F2}");
        })));
    }
}
else if (mode == "breadth")
{
    var heldOutDomains = data.Evals.Where(e => e.Stage.Kind == StageKind.Pretrain && e.Split == ResultTables.HeldOut && e.Metric == "loss")
        .Select(e => e.EvalSet).Distinct().Order(StringComparer.Ordinal).ToList();
    Console.WriteLine("Held-out loss (nats/byte) at the end of pre-training, per held-out domain:");
    foreach (var cell in cells)
    {
        var line = $"  N {cell.Key.Size,7:N0}  breadth {cell.Key.Breadth}  ";
        foreach (var domain in heldOutDomains)
            line += $"{domain}: {StudyStats.Interval([.. cell.Select(r => data.Evals.Where(e => e.RunId == r.RunId && e.Stage.Kind == StageKind.Pretrain && e.EvalSet == domain && e.Metric == "loss").MaxBy(e => e.Step)!.Value)])}   ";
        Console.WriteLine(line);
    }
    Console.WriteLine("Sampled pass@1 before → after the fixed RL stage (step 0 → last step of each RL run; change with its interval):");
    var rl = data.Runs.Where(r => r.Stage.Kind == StageKind.Rl).ToList();
    var families = data.Evals.Where(e => e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1").Select(e => (e.EvalSet, e.Split)).Distinct()
        .OrderBy(f => f.Split, StringComparer.Ordinal).ThenBy(f => f.EvalSet, StringComparer.Ordinal).ToList();
    foreach (var cell in rl.GroupBy(Cell).OrderBy(g => g.Key.Size).ThenBy(g => g.Key.Breadth))
    {
        Console.WriteLine($"  N {cell.Key.Size,7:N0}  breadth {cell.Key.Breadth}  ({cell.Count()} runs)");
        foreach (var (family, split) in families)
        {
            var pairs = cell.Select(r =>
            {
                var rows = data.Evals.Where(e => e.RunId == r.RunId && e.Stage.Kind == StageKind.Rl && e.EvalSet == family && e.Metric == "pass@1").ToList();
                return (Before: rows.MinBy(e => e.Step)!.Value, After: rows.MaxBy(e => e.Step)!.Value);
            }).ToList();
            Console.WriteLine($"    {family,-20} {split,-16} {StudyStats.Interval([.. pairs.Select(p => p.Before)])} → {StudyStats.Interval([.. pairs.Select(p => p.After)])}; change {StudyStats.Change([.. pairs.Select(p => p.After - p.Before)])}");
        }
    }
}
else
{
    var shotRows = data.Evals.Where(e => e.Stage.Kind == StageKind.Eval && e.Metric == "pass@1").ToList();
    var shots = shotRows.Select(e => e.Shots).Distinct().Order().ToList();
    Console.WriteLine($"Few-shot sampled pass@1 per family (shots {string.Join(", ", shots)}); the gain of k shots over 0, per run, then over runs:");
    foreach (var family in shotRows.Select(e => e.EvalSet).Distinct().Order(StringComparer.Ordinal))
    {
        Console.WriteLine($"  {family}");
        foreach (var cell in cells)
        {
            double At(RunRow r, int k) => shotRows.Single(e => e.RunId == r.RunId && e.EvalSet == family && e.Shots == k).Value;
            var line = $"    N {cell.Key.Size,7:N0}  breadth {cell.Key.Breadth}  0-shot {StudyStats.Interval([.. cell.Select(r => At(r, 0))])}";
            foreach (var k in shots.Where(k => k > 0))
                line += $"  {k}-shot gain {StudyStats.Change([.. cell.Select(r => At(r, k) - At(r, 0))])}";
            Console.WriteLine(line);
        }
    }

    // The figures (a path as the third argument, one file per family with the family's name appended): per family, mean pass@1 over a cell's runs against breadth, one line per
    // (size, shots 0 or the largest), error bars the 95% t half-widths over runs.
    if (args.Length > 2)
    {
        var families = shotRows.Select(e => e.EvalSet).Distinct().Order(StringComparer.Ordinal).ToList();
        for (int f = 0; f < families.Count; f++)
        {
            var plot = new ScottPlot.Plot();
            foreach (var size in cells.Select(c => c.Key.Size).Distinct())
                foreach (var k in new[] { 0, shots.Max() })
                {
                    var points = cells.Where(c => c.Key.Size == size).Select(c =>
                    {
                        var v = c.Select(r => shotRows.Single(e => e.RunId == r.RunId && e.EvalSet == families[f] && e.Shots == k).Value).ToList();
                        double mean = v.Average();
                        double half = v.Count < 2 ? 0 : MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, v.Count - 1, 0.975)
                            * Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1) / v.Count);
                        return (X: Math.Log2(c.Key.Breadth), Mean: mean, Half: half);
                    }).ToList();
                    var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Mean).ToArray());
                    line.LegendText = $"N {size:N0}, {k} shots";
                    if (k == 0) line.LinePattern = ScottPlot.LinePattern.Dashed;
                    var bars = plot.Add.ErrorBar(points.Select(p => p.X).ToArray(), points.Select(p => p.Mean).ToArray(), points.Select(p => p.Half).ToArray());
                    bars.Color = line.Color;
                }
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([1, 2, 3], ["2", "4", "8"]);
            plot.XLabel("pre-training breadth (task families)");
            plot.YLabel("sampled pass@1");
            plot.Title(families[f]);
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            var path = args[2].Replace(".png", $"-{families[f]}.png", StringComparison.Ordinal);
            plot.SavePng(path, 520, 420);
            Console.WriteLine($"figure: {path}");
        }
    }
}

