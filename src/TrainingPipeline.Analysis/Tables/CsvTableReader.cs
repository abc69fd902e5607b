using System.Globalization;
using System.Text;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>Reads a comma-separated file with a header row (RFC 4180 quoting) into a <see cref="NumericTable"/>.</summary>
public static class CsvTableReader
{
    public static NumericTable Read(string path)
    {
        var records = Parse(File.ReadAllText(path)).Where(r => r.Count > 1 || r[0].Length > 0).ToList();
        if (records.Count == 0)
            throw new BadInputException(path, "header", "the file is empty", "write a header row and one row per point");
        var header = records[0];
        var rows = records.Skip(1).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Count != header.Count)
                throw new BadInputException(path, $"line {i + 2}",
                    $"{rows[i].Count} fields where the header has {header.Count}", "give every row one value per header column");
        }
        var columns = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < header.Count; c++)
        {
            var name = header[c].Trim();
            if (columns.ContainsKey(name))
                throw new BadInputException(path, name, "the header names this column twice", "rename one of the columns");
            columns[name] = rows.Select(r => ParseNumber(r[c])).ToArray();
        }
        return new NumericTable(path, columns, rows.Count);
    }

    private static double ParseNumber(string cell) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    private static IEnumerable<List<string>> Parse(string text)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"': quoted = true; break;
                case ',': record.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    record.Add(field.ToString()); field.Clear();
                    yield return record;
                    record = [];
                    break;
                default: field.Append(ch); break;
            }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
