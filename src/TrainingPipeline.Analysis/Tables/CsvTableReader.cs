using System.Globalization;
using System.Text;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>Reads a comma-separated file with a header row (RFC 4180 quoting) into a <see cref="NumericTable"/>.</summary>
public static class CsvTableReader
{
    public static NumericTable Read(string path)
    {
        var records = Parse(File.ReadAllText(path), path).Where(r => r.Fields.Count > 1 || r.Fields[0].Length > 0).ToList();
        if (records.Count == 0)
            throw new BadInputException(path, "header", "the file is empty", "write a header row and one row per point");
        var header = records[0].Fields;
        var rows = records.Skip(1).Select(r => r.Fields).ToList();
        foreach (var (fields, line) in records.Skip(1))
        {
            if (fields.Count != header.Count)
                throw new BadInputException(path, $"line {line}",
                    $"{fields.Count} fields where the header has {header.Count}", "give every row one value per header column");
        }
        var columns = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase);
        var text = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < header.Count; c++)
        {
            var name = header[c].Trim();
            if (columns.ContainsKey(name))
                throw new BadInputException(path, name, "the header names this column twice", "rename one of the columns");
            columns[name] = rows.Select(r => ParseNumber(r[c])).ToArray();
            text[name] = rows.Select(r => r[c].Trim()).ToArray();
        }
        return new NumericTable(path, columns, rows.Count, text);
    }

    private static double ParseNumber(string cell) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    /// <summary>Records with the line each starts on (a quoted field may span lines; blank lines are records too).</summary>
    private static IEnumerable<(List<string> Fields, int Line)> Parse(string text, string path)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int line = 1, recordLine = 1, quoteLine = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\n') line++;
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"': quoted = true; quoteLine = line; break;
                case ',': record.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    record.Add(field.ToString()); field.Clear();
                    yield return (record, recordLine);
                    record = [];
                    recordLine = line;
                    break;
                default: field.Append(ch); break;
            }
        }
        if (quoted)
            throw new BadInputException(path, $"line {quoteLine}", "a quoted field is never closed",
                "close the quote (a quote inside a quoted field is written twice: \"\")");
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return (record, recordLine);
        }
    }
}
