using System.Globalization;
using DuckDB.NET.Data;

namespace TrainingPipeline.Tests.Pipeline;

/// <summary>
/// Compares the <c>steps</c> or <c>evals</c> table of two results folders row by row and column by column, leaving out
/// the columns that measure the clock (and so differ between two runs of the same computation). Every other column,
/// including ones added later, is compared exactly: doubles as their shortest round-trip text.
/// </summary>
public static class ResultTablesComparison
{
    /// <summary>Columns that hold times or rates over time. Everything else must match.</summary>
    public static readonly string[] WallClockColumns =
        ["wall_seconds", "tokens_per_second", "sample_seconds", "update_seconds", "written_at"];

    public sealed record Table(IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows);

    /// <summary>The rows of <paramref name="table"/> (run_id from the folder names), in a canonical order.</summary>
    public static Table Read(string resultsRoot, string table)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        string glob = Path.Combine(resultsRoot, table, "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        string source = $"read_parquet('{glob}', hive_partitioning = true, union_by_name = true)";
        var kept = new List<string>();
        using (var describe = db.CreateCommand())
        {
            describe.CommandText = $"select column_name from (describe select * from {source})";
            using var names = describe.ExecuteReader();
            while (names.Read())
                if (!WallClockColumns.Contains(names.GetString(0))) kept.Add(names.GetString(0));
        }
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"select {string.Join(", ", kept.Select(c => '"' + c + '"'))} from {source} order by all";
        using var reader = cmd.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.IsDBNull(i) ? null : reader.GetValue(i))).ToArray());
        return new Table(columns, rows);
    }

    /// <summary>The differences between the two folders' <paramref name="table"/>, at most <paramref name="limit"/>; none if identical.</summary>
    public static IReadOnlyList<string> Differences(string rootA, string rootB, string table, int limit = 10)
    {
        var a = Read(rootA, table);
        var b = Read(rootB, table);
        var found = new List<string>();
        if (!a.Columns.SequenceEqual(b.Columns))
            return [$"{table}: columns differ: [{string.Join(", ", a.Columns)}] vs [{string.Join(", ", b.Columns)}]"];
        if (a.Rows.Count != b.Rows.Count) found.Add($"{table}: {a.Rows.Count} rows vs {b.Rows.Count}");
        for (int r = 0; r < Math.Min(a.Rows.Count, b.Rows.Count) && found.Count < limit; r++)
            for (int c = 0; c < a.Columns.Count && found.Count < limit; c++)
                if (a.Rows[r][c] != b.Rows[r][c])
                    found.Add($"{table} row {r} ({Key(a, r)}): {a.Columns[c]} = {a.Rows[r][c]} vs {b.Rows[r][c]}");
        return found;
    }

    private static string Key(Table table, int row) =>
        string.Join(", ", new[] { "run_id", "step", "eval_set", "metric" }
            .Select(name => (name, index: table.Columns.ToList().IndexOf(name)))
            .Where(p => p.index >= 0)
            .Select(p => $"{p.name} {table.Rows[row][p.index]}"));

    private static string Text(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
