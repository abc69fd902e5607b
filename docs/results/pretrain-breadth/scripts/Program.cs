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

if (mode == "breadth")
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
}
