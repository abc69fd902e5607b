using System.Globalization;
using Parquet.Serialization;

namespace TrainingPipeline.Results;

/// <summary>
/// Appends rows to the hive-partitioned results dataset under one root (<c>&lt;out&gt;/results</c>). Every flush is
/// its own part file, written to a temporary name and renamed into place, so a crash never leaves a partial file.
/// Step-indexed parts carry their first and last step in the file name, which lets a resumed run roll back the
/// parts written after its last checkpoint (see <see cref="RollBackPartsAfter"/>), so no step is ever stored twice.
/// </summary>
public sealed class ResultsWriter(string resultsRoot)
{
    public string Root { get; } = resultsRoot;

    public static string PartitionFolder(string root, string table, string runId) =>
        Path.Combine(root, table, $"run_id={runId}");

    /// <summary>Writes one part file of step-indexed rows (steps or evals) covering [firstStep, lastStep].</summary>
    public string AppendSteps<T>(string table, string runId, long firstStep, long lastStep, IReadOnlyCollection<T> rows)
        where T : new() =>
        Write(table, runId, string.Create(CultureInfo.InvariantCulture,
            $"part-s{firstStep:D9}-{lastStep:D9}-{ShortId()}"), rows);

    /// <summary>Writes one part file of rows that are not step-indexed (runs).</summary>
    public string Append<T>(string table, string runId, IReadOnlyCollection<T> rows) where T : new() =>
        Write(table, runId, string.Create(CultureInfo.InvariantCulture,
            $"part-t{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-{ShortId()}"), rows);

    private static string ShortId() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Deletes the step-indexed parts of <paramref name="runId"/> whose first step is after
    /// <paramref name="checkpointStep"/>: they were flushed after the checkpoint a run resumes from and will be
    /// written again, identically, by the resumed run. Also removes leftover temporary files.
    /// </summary>
    public int RollBackPartsAfter(string table, string runId, long checkpointStep)
    {
        string folder = PartitionFolder(Root, table, runId);
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var tmp in Directory.GetFiles(folder, "*.tmp")) File.Delete(tmp);
        foreach (var file in Directory.GetFiles(folder, "part-s*.parquet"))
        {
            long first = long.Parse(Path.GetFileName(file).AsSpan(6, 9), CultureInfo.InvariantCulture);
            if (first > checkpointStep) { File.Delete(file); removed++; }
        }
        return removed;
    }

    private string Write<T>(string table, string runId, string baseName, IReadOnlyCollection<T> rows) where T : new()
    {
        if (rows.Count == 0) return "";
        string folder = PartitionFolder(Root, table, runId);
        Directory.CreateDirectory(folder);
        string final = Path.Combine(folder, baseName + ".parquet");
        string temp = final + ".tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, final);
        return final;
    }
}
