using Parquet.Serialization;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>Reads the writer's records back from a results folder, ordered by step (for assertions).</summary>
public static class ResultFiles
{
    public static List<StepRecord> Steps(string resultsRoot, string runId) => Read<StepRecord>(resultsRoot, ResultTables.Steps, runId)
        .OrderBy(s => s.Step).ToList();

    public static List<EvalRecord> Evals(string resultsRoot, string runId) => Read<EvalRecord>(resultsRoot, ResultTables.Evals, runId)
        .OrderBy(e => e.Step).ThenBy(e => e.EvalSet).ThenBy(e => e.Metric).ToList();

    public static List<RunRecord> Runs(string resultsRoot, string runId) => Read<RunRecord>(resultsRoot, ResultTables.Runs, runId)
        .OrderBy(r => r.WrittenAt).ToList();

    private static IEnumerable<T> Read<T>(string root, string table, string runId) where T : class, new()
    {
        string folder = ResultsWriter.PartitionFolder(root, table, runId);
        if (!Directory.Exists(folder)) yield break;
        foreach (var file in Directory.GetFiles(folder, "*.parquet").Order())
        {
            using var stream = File.OpenRead(file);
            foreach (var row in ParquetSerializer.DeserializeAsync<T>(stream).GetAwaiter().GetResult().Data) yield return row;
        }
    }
}
