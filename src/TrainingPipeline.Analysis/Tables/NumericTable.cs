namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// The numeric view of an external table: every column as doubles (NaN where a cell is empty or not a number),
/// looked up case-insensitively. <see cref="Source"/> names the file(s) for error messages.
/// </summary>
public sealed class NumericTable
{
    private readonly Dictionary<string, double[]> _columns;

    public NumericTable(string source, IReadOnlyDictionary<string, double[]> columns, int rowCount)
    {
        Source = source;
        RowCount = rowCount;
        _columns = new Dictionary<string, double[]>(columns, StringComparer.OrdinalIgnoreCase);
        if (_columns.Values.Any(c => c.Length != rowCount))
            throw new ArgumentException("every column must have one value per row", nameof(columns));
    }

    public string Source { get; }
    public int RowCount { get; }
    public IReadOnlyCollection<string> ColumnNames => _columns.Keys;

    public bool Has(string column) => _columns.ContainsKey(column);

    public double[] Column(string column) => _columns[column];

    /// <summary>Stacks tables row-wise; a column missing from one table is NaN in its rows.</summary>
    public static NumericTable Concatenate(IReadOnlyList<NumericTable> tables)
    {
        if (tables.Count == 1) return tables[0];
        var names = tables.SelectMany(t => t.ColumnNames).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var rows = tables.Sum(t => t.RowCount);
        var columns = names.ToDictionary(
            n => n,
            n => tables.SelectMany(t => t.Has(n) ? t.Column(n) : Enumerable.Repeat(double.NaN, t.RowCount)).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        return new NumericTable(string.Join(", ", tables.Select(t => t.Source)), columns, rows);
    }
}
