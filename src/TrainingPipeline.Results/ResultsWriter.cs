using System.Globalization;
using Parquet.Serialization;

namespace TrainingPipeline.Results;

/// <summary>
/// Appends rows to the hive-partitioned results dataset under one root (<c>&lt;out&gt;/results</c>). Every flush is
/// its own part file, written to a temporary name and renamed into place, so a crash never leaves a partial file.
/// The temporary name is hidden (<c>.part-….parquet.tmp</c>): hive readers (pyarrow, Spark) skip names starting with a
/// dot, and globs on <c>*.parquet</c> do not match it, so a crashed write is never mistaken for data.
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
    /// Deletes the temporary files that writes of <paramref name="runId"/> killed before their rename left in any of
    /// its table partitions. Call it when a run starts or resumes, before it writes.
    /// </summary>
    public int RemoveLeftovers(string runId)
    {
        int removed = 0;
        // Contamination too: its rows are written when a pipeline starts, so a kill then leaves a temporary file there.
        foreach (var table in new[] { ResultTables.Runs, ResultTables.Steps, ResultTables.Evals, ResultTables.Contamination })
        {
            string folder = PartitionFolder(Root, table, runId);
            if (!Directory.Exists(folder)) continue;
            foreach (var tmp in Directory.GetFiles(folder, "*.tmp"))
            {
                File.Delete(tmp);
                removed++;
            }
        }
        return removed;
    }

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
            if (StepRange(Path.GetFileName(file)).First > checkpointStep) { File.Delete(file); removed++; }
        }
        return removed;
    }

    /// <summary>
    /// The first step in [1, <paramref name="through"/>] that no step-indexed part of the run covers, or null when
    /// the parts (by the step ranges in their names) cover every one. A run resuming from a checkpoint at step N needs
    /// rows 1..N already stored, or its table would have a gap.
    /// </summary>
    public long? FirstUncoveredStep(string table, string runId, long through)
    {
        string folder = PartitionFolder(Root, table, runId);
        var ranges = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "part-s*.parquet").Select(f => StepRange(Path.GetFileName(f))).OrderBy(r => r.First).ToList()
            : [];
        long next = 1;
        foreach (var (first, last) in ranges)
        {
            if (first > next) break;
            next = Math.Max(next, last + 1);
        }
        return next > through ? null : next;
    }

    private static (long First, long Last) StepRange(string partName) =>
        (long.Parse(partName.AsSpan(6, 9), CultureInfo.InvariantCulture), long.Parse(partName.AsSpan(16, 9), CultureInfo.InvariantCulture));

    private string Write<T>(string table, string runId, string baseName, IReadOnlyCollection<T> rows) where T : new()
    {
        if (rows.Count == 0) return "";
        string folder = PartitionFolder(Root, table, runId);
        Directory.CreateDirectory(folder);
        string final = Path.Combine(folder, baseName + ".parquet");
        string temp = Path.Combine(folder, "." + baseName + ".parquet.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
            stream.Flush(flushToDisk: true);
        }
        FaultInjection.At(FaultInjection.Sites.PartWritten);
        File.Move(temp, final);
        FaultInjection.At(FaultInjection.Sites.PartPublished);
        return final;
    }
}
