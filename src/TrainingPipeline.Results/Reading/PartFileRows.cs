using Parquet;
using Parquet.Serialization;

namespace TrainingPipeline.Results.Reading;

/// <summary>
/// The rows of one hive-partitioned table: every <c>&lt;table&gt;/run_id=&lt;id&gt;/*.parquet</c> file (leftover
/// <c>.*.tmp</c> files are skipped), each row as a column → value dictionary with the run id taken from the path.
/// Typed accessors raise <see cref="BadInputException"/> naming the file and column.
/// </summary>
internal static class PartFileRows
{
    public sealed record Row(string File, string RunId, IReadOnlyDictionary<string, object> Values)
    {
        public string String(string column) => Get(column) switch
        {
            string s => s,
            ReadOnlyMemory<char> m => m.ToString(),
            var other => throw Wrong(column, other, "a string"),
        };

        public string? OptionalString(string column) =>
            Values.TryGetValue(column, out var v) && v is not null ? String(column) : null;

        public long Long(string column) => Get(column) switch
        {
            long l => l,
            int i => i,
            short s => s,
            ulong u => checked((long)u),
            uint u => u,
            var other => throw Wrong(column, other, "an integer"),
        };

        public double Double(string column) => Get(column) switch
        {
            double d => d,
            float f => f,
            long l => l,
            int i => i,
            decimal m => (double)m,
            var other => throw Wrong(column, other, "a number"),
        };

        /// <summary>A nullable column: NaN when the value is null or the column is absent.</summary>
        public double OptionalDouble(string column) =>
            Values.TryGetValue(column, out var v) && v is not null ? Double(column) : double.NaN;

        public DateTime Timestamp(string column) => Get(column) switch
        {
            DateTime t => t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime(),
            DateTimeOffset o => o.UtcDateTime,
            var other => throw Wrong(column, other, "a timestamp"),
        };

        private object Get(string column) =>
            Values.TryGetValue(column, out var v) && v is not null
                ? v
                : throw new BadInputException(File, column, "the column is missing or null",
                    "write this table with the schema in docs/results-schema.md");

        private BadInputException Wrong(string column, object value, string expected) =>
            new(File, column, $"holds {value.GetType().Name} where {expected} was expected",
                "write this table with the column types in docs/results-schema.md");
    }

    public static IEnumerable<Row> Read(string resultsDirectory, string table)
    {
        var tableDirectory = Path.Combine(resultsDirectory, table);
        if (!Directory.Exists(tableDirectory)) yield break;
        foreach (var partition in Directory.EnumerateDirectories(tableDirectory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(partition);
            if (!name.StartsWith("run_id=", StringComparison.Ordinal)) continue;
            var runId = Uri.UnescapeDataString(name["run_id=".Length..]);
            foreach (var file in Directory.EnumerateFiles(partition, "*.parquet").Order(StringComparer.Ordinal))
            {
                foreach (var values in ReadFile(file)) yield return new Row(file, runId, values);
            }
        }
    }

    private static IList<Dictionary<string, object>> ReadFile(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data;
        }
        catch (Exception e) when (e is ParquetException or IOException or InvalidDataException or NotSupportedException
                                       or IndexOutOfRangeException or ArgumentException)
        {
            throw new BadInputException(file, "file", $"not a readable Parquet file ({e.Message})",
                "delete the damaged part file (a crashed writer leaves only hidden .*.tmp files, which readers skip) and rerun the stage", e);
        }
    }
}
