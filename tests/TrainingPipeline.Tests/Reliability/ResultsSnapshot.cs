using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using TrainingPipeline.Results;
using TrainingPipeline.Tests.Pipeline;

namespace TrainingPipeline.Tests.Reliability;

/// <summary>
/// A results table as DuckDB reads it (hive-partitioned, <c>run_id</c> from the folder names), for comparing two
/// results folders value by value. Wall-clock columns are left out: no rerun reproduces them.
/// </summary>
public sealed record TableSnapshot(string Table, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, long RawRows)
{
    private static readonly HashSet<string> WallClock = new(ResultTablesComparison.WallClockColumns, StringComparer.Ordinal);

    /// <summary>The key that identifies a row (docs/results-schema.md): readers keep the newest row per key.</summary>
    public static string[] KeyOf(string table) => table switch
    {
        ResultTables.Steps => ["run_id", "step"],
        ResultTables.Evals => ["run_id", "step", "eval_set", "split", "metric"],
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "steps or evals"),
    };

    /// <summary>
    /// Reads <paramref name="table"/> deduplicated as readers must (for each key the row with the greatest
    /// <c>written_at</c>), ordered by key; <see cref="RawRows"/> counts the rows before deduplication.
    /// </summary>
    public static TableSnapshot Read(DuckDBConnection db, string resultsRoot, string table)
    {
        string key = string.Join(", ", KeyOf(table));
        string source = $"read_parquet('{resultsRoot}/{table}/*/*.parquet', hive_partitioning = true, hive_types = {{'run_id': VARCHAR}})";
        using var count = db.CreateCommand();
        count.CommandText = $"select count(*) from {source}";
        long raw = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var command = db.CreateCommand();
        command.CommandText = $"select * from {source} qualify row_number() over (partition by {key} order by written_at desc) = 1 order by {key}";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var kept = columns.Select((name, i) => (name, i)).Where(c => !WallClock.Contains(c.name)).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add([.. kept.Select(c => reader.IsDBNull(c.i) ? null : reader.GetValue(c.i))]);
        return new TableSnapshot(table, [.. kept.Select(c => c.name)], rows, raw);
    }

    /// <summary>Keys stored more than once, with the files that hold them (for failure messages).</summary>
    public static string Duplicates(DuckDBConnection db, string resultsRoot, string table)
    {
        string key = string.Join(", ", KeyOf(table));
        using var command = db.CreateCommand();
        command.CommandText = $"select {key}, string_agg(filename, ' ') from read_parquet('{resultsRoot}/{table}/*/*.parquet', " +
            $"hive_partitioning = true, hive_types = {{'run_id': VARCHAR}}, filename = true) group by {key} having count(*) > 1 order by {key} limit 10";
        using var reader = command.ExecuteReader();
        var text = new StringBuilder();
        while (reader.Read())
        {
            for (int i = 0; i < reader.FieldCount; i++) text.Append(CultureInfo.InvariantCulture, $"{reader.GetValue(i)} ");
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Null when both hold the same columns and rows, bit for bit; otherwise the first difference.</summary>
    public string? FirstDifference(TableSnapshot other)
    {
        if (!Columns.SequenceEqual(other.Columns))
            return $"{Table}: columns differ: [{string.Join(", ", Columns)}] vs [{string.Join(", ", other.Columns)}]";
        for (int r = 0; r < Math.Min(Rows.Count, other.Rows.Count); r++)
            for (int c = 0; c < Columns.Count; c++)
                if (!Same(Rows[r][c], other.Rows[r][c]))
                    return $"{Table}: row {r} ({Describe(Rows[r])}) column {Columns[c]}: {Format(Rows[r][c])} vs {Format(other.Rows[r][c])}";
        return Rows.Count == other.Rows.Count ? null
            : $"{Table}: {Rows.Count} rows vs {other.Rows.Count}; first extra row: {Describe(Rows.Count > other.Rows.Count ? Rows[other.Rows.Count] : other.Rows[Rows.Count])}";
    }

    private string Describe(object?[] row)
    {
        var text = new StringBuilder();
        foreach (var key in KeyOf(Table)) text.Append(CultureInfo.InvariantCulture, $"{key}={Format(row[Columns.ToList().IndexOf(key)])} ");
        return text.ToString().TrimEnd();
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        (float x, float y) => BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y),
        _ => Equals(a, b),
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Checks on every file of a results folder, as any reader of the dataset would meet them.</summary>
public static class ResultFilesCheck
{
    /// <summary>
    /// Every file that a hive reader would pick up (any name not starting with '.' or '_', as pyarrow and Spark skip
    /// those) is a Parquet file that DuckDB reads; returns the hidden leftovers (temporary files of a killed write).
    /// </summary>
    public static IReadOnlyList<string> AssertEveryPartReadable(DuckDBConnection db, string resultsRoot)
    {
        var hidden = new List<string>();
        if (!Directory.Exists(resultsRoot)) return hidden;
        foreach (var file in Directory.EnumerateFiles(resultsRoot, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.StartsWith('_'))
            {
                hidden.Add(file);
                continue;
            }
            Assert.True(name.EndsWith(".parquet", StringComparison.Ordinal), $"{file}: a file in the dataset that is not Parquet");
            using var command = db.CreateCommand();
            command.CommandText = $"select count(*) from read_parquet('{file}')";
            try
            {
                Assert.True(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0, $"{file}: an empty part file");
            }
            catch (DuckDBException e)
            {
                Assert.Fail($"{file} ({new FileInfo(file).Length} bytes) does not read with DuckDB: {e.Message}");
            }
        }
        return hidden;
    }
}
