using Parquet.Serialization;
using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>Reads a Parquet file's columns into a <see cref="NumericTable"/> (non-numeric columns are NaN as numbers, kept as text).</summary>
public static class ParquetTableReader
{
    public static NumericTable Read(string path)
    {
        Parquet.Serialization.DeserializationResult<Dictionary<string, object>> result;
        try
        {
            using var stream = File.OpenRead(path);
            result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (ParquetFailures.IsUnreadableFile(e))
        {
            throw new BadInputException(path, "file", $"not a readable Parquet file ({e.Message})",
                "pass a Parquet file written by Parquet.Net, pyarrow, polars or DuckDB, or a CSV file", e);
        }
        var names = result.Schema.GetDataFields().Select(f => f.Name).ToList();
        var columns = names.ToDictionary(
            n => n,
            n => result.Data.Select(row => row.TryGetValue(n, out var v) ? ToDouble(v) : double.NaN).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        var text = names.ToDictionary(
            n => n,
            n => result.Data.Select(row => row.TryGetValue(n, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "").ToArray(),
            StringComparer.OrdinalIgnoreCase);
        return new NumericTable(path, columns, result.Data.Count, text);
    }

    internal static double ToDouble(object? value) => value switch
    {
        null => double.NaN,
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        decimal m => (double)m,
        ulong u => u,
        uint u => u,
        _ => double.NaN,
    };
}
