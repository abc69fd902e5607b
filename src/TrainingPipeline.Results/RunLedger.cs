using Parquet.Serialization;

namespace TrainingPipeline.Results;

/// <summary>Answers "what state is run X in?" from the runs table of one results dataset.</summary>
public static class RunLedger
{
    /// <summary>The status of the run's newest row, or null when the dataset has no row for it.</summary>
    public static RunStatus? LatestStatus(string resultsRoot, string runId)
    {
        string folder = ResultsWriter.PartitionFolder(resultsRoot, ResultTables.Runs, runId);
        if (!Directory.Exists(folder)) return null;
        RunRecord? latest = null;
        string latestFile = "";
        foreach (var file in Directory.GetFiles(folder, "*.parquet"))
        {
            IList<RunRecord> rows;
            try
            {
                using var stream = File.OpenRead(file);
                rows = ParquetSerializer.DeserializeAsync<RunRecord>(stream).GetAwaiter().GetResult().Data;
            }
            catch (Exception e) when (ParquetFailures.IsUnreadableFile(e))
            {
                throw new BadInputException(file, "runs", "cannot read this part file: " + e.Message,
                    "the results dataset is damaged; restore it or re-run with --fresh");
            }
            foreach (var row in rows)
                if (latest is null || row.WrittenAt > latest.WrittenAt) (latest, latestFile) = (row, file);
        }
        return latest is null ? null : RunStatuses.Read(latest.Status, latestFile, "status");
    }

    /// <summary>Deletes every table partition of a run (used by --fresh).</summary>
    public static void Forget(string resultsRoot, string runId)
    {
        foreach (var table in new[] { ResultTables.Runs, ResultTables.Steps, ResultTables.Evals })
        {
            string folder = ResultsWriter.PartitionFolder(resultsRoot, table, runId);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
