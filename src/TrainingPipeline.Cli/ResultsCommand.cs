using System.CommandLine;
using TrainingPipeline.Cluster;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>results check &lt;folder&gt; [--repair]</c>: verifies that each key of <c>steps</c> and <c>evals</c> is stored
/// once (<see cref="ResultsCheck"/>), notes runs that are not completed, and with <c>--repair</c> keeps the newest row
/// of each duplicated key of completed runs. Exit 0 when the dataset keeps the promise (after repair), 2 when not.
/// </summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("results") { Description = "A results folder (<out>/results)" };
        var repair = new Option<bool>("--repair")
        {
            Description = "Rewrite each completed run's duplicated keys as one row (the newest); other runs are left alone",
        };
        var check = new Command("check", "Verify that each (run_id, step) of steps and each evals key is stored once.") { folder, repair };
        check.SetAction(parsed => Check(Path.GetFullPath(parsed.GetValue(folder)!), parsed.GetValue(repair)));
        return new Command("results", "Verify or repair a results dataset.") { check };
    }

    private static int Check(string root, bool repair)
    {
        ResultsFolder.Require(root, "results folder");
        AnalysisHook.NoteUnfinishedRuns(root, Console.Out);
        var duplicates = ResultsCheck.FindDuplicates(root);
        if (duplicates.Count == 0)
        {
            Console.WriteLine($"{root}: every key of steps and evals is stored once");
            return Program.Success;
        }
        foreach (var group in duplicates.GroupBy(d => (d.Table, d.RunId)))
            Console.WriteLine($"{group.Key.Table} of run {group.Key.RunId}: {group.Count()} key(s) stored more than once " +
                $"(e.g. {group.First().Key}, {group.First().Copies} copies)");
        if (!repair)
            throw new BadInputException(root, "steps/evals", $"{duplicates.Count} key(s) are stored more than once (two writers shared this folder?)",
                $"repair with `results check {root} --repair` (keeps the newest row of each key)");

        var statuses = ResultsReader.ReadRuns(root).ToDictionary(r => r.RunId, r => (RunStatus?)r.Status);
        string output = Path.GetDirectoryName(root) ?? root;
        foreach (var runId in duplicates.Select(d => d.RunId).Distinct())
        {
            if (statuses.GetValueOrDefault(runId) != RunStatus.Completed)
            {
                Console.WriteLine($"run {runId}: not repaired, it is not completed (resume it with `run`, then repair)");
                continue;
            }
            // The run's results lock: no invocation may write the run's rows while its parts are rewritten.
            using var held = RunLock.TryAcquire(RunLock.ResultsPathFor(output, runId));
            if (held is null)
            {
                Console.WriteLine($"run {runId}: not repaired, another invocation holds it ({RunLock.DescribeHolder(RunLock.ResultsPathFor(output, runId))})");
                continue;
            }
            foreach (var table in new[] { ResultTables.Steps, ResultTables.Evals })
            {
                int dropped = ResultsCheck.Repair(root, table, runId);
                if (dropped > 0) Console.WriteLine($"{table} of run {runId}: repaired, {dropped} duplicate row(s) dropped");
            }
        }
        var left = ResultsCheck.FindDuplicates(root);
        if (left.Count > 0)
            throw new BadInputException(root, "steps/evals",
                $"{left.Count} key(s) of run(s) {string.Join(", ", left.Select(d => d.RunId).Distinct())} are still stored more than once",
                "complete those runs (re-run the pipeline), then repair again");
        Console.WriteLine($"{root}: every key of steps and evals is stored once");
        return Program.Success;
    }
}
