using Parquet.Serialization;

namespace TrainingPipeline.Results.Reading;

/// <summary>
/// The rows of one hive-partitioned table: every <c>&lt;table&gt;/run_id=&lt;id&gt;/*.parquet</c> file (leftover
/// <c>.*.tmp</c> files are skipped), each row as a column → value dictionary with the run id taken from the path.
/// Typed accessors raise <see cref="BadInputException"/> naming the file and column.
/// </summary>
internal static class PartFileRows
{
    /// <param name="Index">The row's 1-based position in its file, for error messages.</param>
    public sealed record Row(string File, string RunId, IReadOnlyDictionary<string, object> Values, int Index = 0)
    {
        public string String(string column) => Get(column) switch
        {
            string s => s,
            ReadOnlyMemory<char> m => m.ToString(),
            var other => throw Wrong(column, other, "a string"),
        };

        /// <summary>A stage's wire string, parsed (<see cref="RunStage.Read"/>).</summary>
        public RunStage Stage(string column) => RunStage.Read(String(column), $"{File} (row {Index})", column);

        /// <summary>A run status's word, parsed (<see cref="RunStatuses.Read"/>).</summary>
        public RunStatus Status(string column) => RunStatuses.Read(String(column), $"{File} (row {Index})", column);

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

        /// <summary>A nullable integer column: null when the value is null or the column is absent.</summary>
        public long? OptionalLong(string column) =>
            Values.TryGetValue(column, out var v) && v is not null ? Long(column) : null;

        /// <summary>A nullable column: NaN when the value is null or the column is absent.</summary>
        public double OptionalDouble(string column) =>
            Values.TryGetValue(column, out var v) && v is not null ? Double(column) : double.NaN;

        /// <summary>A count (step, tokens, parameters): an integer ≥ 0.</summary>
        public long Count(string column)
        {
            long value = Long(column);
            return value >= 0 ? value : throw Impossible(column, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "an integer ≥ 0");
        }

        /// <summary>An amount (FLOPs): a finite number ≥ 0.</summary>
        public double Amount(string column)
        {
            double value = Double(column);
            return double.IsFinite(value) && value >= 0 ? value
                : throw Impossible(column, value.ToString(System.Globalization.CultureInfo.InvariantCulture), "a finite number ≥ 0");
        }

        public DateTime Timestamp(string column) => Get(column) switch
        {
            DateTime t => t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime(),
            DateTimeOffset o => o.UtcDateTime,
            var other => throw Wrong(column, other, "a timestamp"),
        };

        /// <summary>A nullable timestamp column: null when the value is null or the column is absent.</summary>
        public DateTime? OptionalTimestamp(string column) =>
            Values.TryGetValue(column, out var v) && v is not null ? Timestamp(column) : null;

        private object Get(string column) =>
            Values.TryGetValue(column, out var v) && v is not null
                ? v
                : throw new BadInputException(File, column, "the column is missing or null",
                    "write this table with the schema in docs/results-schema.md");

        private BadInputException Impossible(string column, string value, string expected) =>
            new(File, column, $"row {Index} holds {value} where {expected} was expected",
                "the part file is damaged or was not written by this pipeline: restore it, or delete it and rerun the stage that wrote it");

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
                int index = 0;
                foreach (var values in ReadFile(file)) yield return new Row(file, runId, values, ++index);
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
        catch (Exception e) when (ParquetFailures.IsUnreadableFile(e))
        {
            throw new BadInputException(file, "file", $"not a readable Parquet file ({e.Message})",
                "delete the damaged part file (a crashed writer leaves only hidden .*.tmp files, which readers skip) and rerun the stage", e);
        }
    }
}
