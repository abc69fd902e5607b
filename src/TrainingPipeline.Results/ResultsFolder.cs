namespace TrainingPipeline.Results;

/// <summary>What makes a folder a results dataset, for the commands that are given one.</summary>
public static class ResultsFolder
{
    /// <summary>
    /// Refuses a folder that holds none of the tables (<c>runs/</c>, <c>steps/</c>, <c>evals/</c>, each
    /// <c>run_id=&lt;id&gt;/*.parquet</c>): an analysis of it would report "0 runs" and exit 0, hiding a wrong path.
    /// </summary>
    public static void Require(string path, string option)
    {
        if (File.Exists(path))
            throw new BadInputException(path, option, "is a file, not a results folder", "pass the results folder a pipeline wrote (<out>/results)");
        if (!Directory.Exists(path))
            throw new BadInputException(path, option, "does not exist", "pass the results folder a pipeline wrote (<out>/results)");
        bool hasTable = new[] { ResultTables.Runs, ResultTables.Steps, ResultTables.Evals }
            .Select(table => Path.Combine(path, table))
            .Any(table => Directory.Exists(table) && Directory.EnumerateDirectories(table, "run_id=*")
                .Any(partition => Directory.EnumerateFiles(partition, "*.parquet").Any()));
        if (!hasTable)
            throw new BadInputException(path, option,
                "is not a results dataset: a results folder holds runs/, steps/ and evals/ tables of part files (<table>/run_id=<id>/*.parquet)",
                "pass the results folder a pipeline wrote, <out>/results (e.g. runs/quickstart/results)");
    }
}
