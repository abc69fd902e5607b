namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// The numeric view of an external table: every column as doubles (NaN where a cell is empty or not a number),
/// looked up case-insensitively, plus each cell's text (<see cref="Text"/>) for identifier columns such as a run id.
/// <see cref="Source"/> names the file(s) for error messages.
/// </summary>
public sealed class NumericTable
{
    private readonly Dictionary<string, double[]> _columns;
    private readonly Dictionary<string, string[]> _text;

    public NumericTable(string source, IReadOnlyDictionary<string, double[]> columns, int rowCount,
        IReadOnlyDictionary<string, string[]>? text = null)
    {
        Source = source;
        RowCount = rowCount;
        _columns = new Dictionary<string, double[]>(columns, StringComparer.OrdinalIgnoreCase);
        _text = new Dictionary<string, string[]>(text ?? new Dictionary<string, string[]>(), StringComparer.OrdinalIgnoreCase);
        if (_columns.Values.Any(c => c.Length != rowCount) || _text.Values.Any(c => c.Length != rowCount))
            throw new ArgumentException("every column must have one value per row", nameof(columns));
    }

    public string Source { get; }
    public int RowCount { get; }
    public IReadOnlyCollection<string> ColumnNames => _columns.Keys;

    public bool Has(string column) => _columns.ContainsKey(column);

    public double[] Column(string column) => _columns[column];

    /// <summary>The cells of a column as text (empty for a missing cell); numbers are formatted when no text was kept.</summary>
    public string[] Text(string column) =>
        _text.TryGetValue(column, out var text) ? text
            : [.. _columns[column].Select(v => double.IsNaN(v) ? "" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))];

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
        var text = names.ToDictionary(
            n => n,
            n => tables.SelectMany(t => t.Has(n) ? t.Text(n) : Enumerable.Repeat("", t.RowCount)).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        return new NumericTable(string.Join(", ", tables.Select(t => t.Source)), columns, rows, text);
    }
}
