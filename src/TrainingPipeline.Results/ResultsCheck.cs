using Parquet.Serialization;

namespace TrainingPipeline.Results;

/// <summary>A key of the steps or evals table that the training stages stored more than once.</summary>
/// <param name="Key">The key without the run id: the step, or "step eval_set split metric".</param>
public sealed record DuplicateKey(string Table, string RunId, string Key, int Copies);

/// <summary>
/// Verifies the schema's exactly-once promise (docs/results-schema.md) on a results folder and repairs it. The
/// promise covers the rows the training stages write (step-indexed parts, <c>part-s…</c>): each
/// <c>(run_id, step)</c> of <c>steps</c> and <c>(run_id, step, eval_set, split, metric)</c> of <c>evals</c> once.
/// Rows the <c>eval</c> verb appends (<c>part-t…</c>, stage <c>eval</c>) supersede earlier <c>eval</c> rows by
/// <c>written_at</c> by design, so they are left out. A breach means two writers shared the folder (before the results lock existed) or a part file was
/// copied in twice.
/// </summary>
public static class ResultsCheck
{
    public static IReadOnlyList<DuplicateKey> FindDuplicates(string resultsRoot)
    {
        var found = new List<DuplicateKey>();
        foreach (var (runId, parts) in StepParts(resultsRoot, ResultTables.Steps))
            found.AddRange(ReadAll<StepRecord>(parts).GroupBy(r => r.Step).Where(g => g.Count() > 1)
                .Select(g => new DuplicateKey(ResultTables.Steps, runId, $"step {g.Key}", g.Count())));
        foreach (var (runId, parts) in StepParts(resultsRoot, ResultTables.Evals))
            found.AddRange(ReadAll<EvalRecord>(parts).GroupBy(EvalKey).Where(g => g.Count() > 1)
                .Select(g => new DuplicateKey(ResultTables.Evals, runId, g.Key, g.Count())));
        return found;
    }

    /// <summary>
    /// Rewrites one run's step-indexed parts of <paramref name="table"/> as a single part holding each key once (the
    /// newest row), then deletes the old parts. The merged part is published before anything is deleted, so a crash
    /// in between leaves duplicates again (never a loss), and repairing again finishes the job. Call it only for a
    /// completed run, under its results lock: a run that resumes rolls back parts by the step their name starts at.
    /// Returns how many rows were dropped.
    /// </summary>
    public static int Repair(string resultsRoot, string table, string runId)
    {
        var parts = StepParts(resultsRoot, table).Where(p => p.RunId == runId).SelectMany(p => p.Parts).ToList();
        if (parts.Count == 0) return 0;
        var writer = new ResultsWriter(resultsRoot);
        int before, after;
        if (table == ResultTables.Steps)
        {
            var rows = ReadAll<StepRecord>(parts);
            var kept = rows.GroupBy(r => r.Step).Select(g => g.MaxBy(r => r.WrittenAt)!).OrderBy(r => r.Step).ToList();
            (before, after) = (rows.Count, kept.Count);
            if (before == after) return 0;
            writer.AppendSteps(table, runId, kept[0].Step, kept[^1].Step, kept);
        }
        else if (table == ResultTables.Evals)
        {
            var rows = ReadAll<EvalRecord>(parts);
            var kept = rows.GroupBy(EvalKey).Select(g => g.MaxBy(r => r.WrittenAt)!).OrderBy(r => r.Step).ToList();
            (before, after) = (rows.Count, kept.Count);
            if (before == after) return 0;
            writer.AppendSteps(table, runId, kept[0].Step, kept[^1].Step, kept);
        }
        else throw new ArgumentException($"only {ResultTables.Steps} and {ResultTables.Evals} have keys to repair", nameof(table));
        foreach (var part in parts) File.Delete(part);
        return before - after;
    }

    private static string EvalKey(EvalRecord r) => $"step {r.Step} {r.EvalSet} {r.Split} {r.Metric}" + (r.Shots is > 0 ? $" {r.Shots} shots" : "");

    private static IEnumerable<(string RunId, List<string> Parts)> StepParts(string resultsRoot, string table)
    {
        string folder = Path.Combine(resultsRoot, table);
        if (!Directory.Exists(folder)) yield break;
        foreach (var partition in Directory.EnumerateDirectories(folder, "run_id=*").Order(StringComparer.Ordinal))
        {
            var parts = Directory.GetFiles(partition, "part-s*.parquet").Order(StringComparer.Ordinal).ToList();
            if (parts.Count > 0) yield return (Uri.UnescapeDataString(Path.GetFileName(partition)["run_id=".Length..]), parts);
        }
    }

    private static List<T> ReadAll<T>(IEnumerable<string> parts) where T : class, new()
    {
        var rows = new List<T>();
        foreach (var part in parts)
        {
            try
            {
                using var stream = File.OpenRead(part);
                rows.AddRange(ParquetSerializer.DeserializeAsync<T>(stream).GetAwaiter().GetResult().Data);
            }
            catch (Exception e) when (ParquetFailures.IsUnreadableFile(e))
            {
                throw new BadInputException(part, typeof(T).Name, "cannot read this part file: " + e.Message,
                    "the results dataset is damaged; restore the file, or delete it and rerun the stage that wrote it");
            }
        }
        return rows;
    }
}
