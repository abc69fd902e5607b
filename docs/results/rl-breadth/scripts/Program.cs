using System.Globalization;
using System.Text.Json;
using TrainingPipeline.Results;
using TrainingPipeline.Results.Reading;

// The tables of docs/results/rl-breadth/README.md. Per RL run: its breadth (families RL rewards) and, per evaluated
// family, sampled pass@1 at step 0 (the base, on the run's own eval problems) and at the last step, with the row's
// split (in_distribution, unrewarded, held_out). Per breadth: the gain (last − step 0) averaged over the families of
// each split, then its mean over the breadth's runs with a 95% t interval over runs; and per family, its gain at each
// breadth. The run is the unit: a family's gains within a run are averaged before anything is compared across runs.
var root = args.Length > 0 ? args[0] : "docs/results/rl-breadth/results";
var data = ResultsReader.Read(root);
var rlRuns = data.Runs.Where(r => r.Stage.Kind == StageKind.Rl && r.Status == RunStatus.Completed).ToList();
int Breadth(RunRow run)
{
    using var config = JsonDocument.Parse(run.ConfigJson);
    return StudyStats.Find(config.RootElement, "rl") is { } rl && rl.TryGetProperty("tasks", out var tasks) ? tasks.EnumerateObject().Count()
        : throw new InvalidDataException($"run {run.RunId}: no rl.tasks in config_json");
}
var gains = rlRuns.Select(run =>
{
    var rows = data.Evals.Where(e => e.RunId == run.RunId && e.Stage.Kind == StageKind.Rl && e.Metric == "pass@1").ToList();
    long last = rows.Max(e => e.Step);
    var families = rows.GroupBy(e => (e.EvalSet, e.Split)).Select(g => (Family: g.Key.EvalSet, Split: g.Key.Split,
        Before: g.Single(e => e.Step == 0).Value, After: g.Single(e => e.Step == last).Value)).ToList();
    return (Run: run, Breadth: Breadth(run), Flops: rows.Max(e => e.RunFlops), Families: families);
}).ToList();

string[] splits = [ResultTables.InDistribution, ResultTables.Unrewarded, ResultTables.HeldOut];
Console.WriteLine("breadth  runs  RL FLOPs (mean)  " + string.Join("  ", splits.Select(s => $"{s + " gain",-30}")));
foreach (var cell in gains.GroupBy(g => g.Breadth).OrderBy(g => g.Key))
{
    var line = string.Create(CultureInfo.InvariantCulture, $"{cell.Key,-8} {cell.Count(),-5} {cell.Average(g => g.Flops),-16:E2} ");
    foreach (var split in splits)
    {
        var perRun = cell.Where(g => g.Families.Any(f => f.Split == split))
            .Select(g => g.Families.Where(f => f.Split == split).Average(f => f.After - f.Before)).ToList();
        line += $" {(perRun.Count > 0 ? StudyStats.Change(perRun) : "-"),-30}";
    }
    Console.WriteLine(line);
}
Console.WriteLine();
Console.WriteLine("per family: base pass@1 (mean of step 0 over all runs), then the gain at each breadth (split in parentheses)");
foreach (var family in gains.SelectMany(g => g.Families.Select(f => f.Family)).Distinct().Order(StringComparer.Ordinal))
{
    var all = gains.SelectMany(g => g.Families.Where(f => f.Family == family)).ToList();
    var line = $"{family,-20} base {all.Average(f => f.Before):F3}  ";
    foreach (var cell in gains.GroupBy(g => g.Breadth).OrderBy(g => g.Key))
    {
        var rows = cell.Select(g => g.Families.Single(f => f.Family == family)).ToList();
        line += $" b{cell.Key}: {StudyStats.Change([.. rows.Select(f => f.After - f.Before)])} ({rows[0].Split[..3]})";
    }
    Console.WriteLine(line);
}
