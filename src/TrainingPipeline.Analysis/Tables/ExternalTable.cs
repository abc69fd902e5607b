namespace TrainingPipeline.Analysis.Tables;

/// <summary>Loads every file an <c>--input</c> argument names (CSV or Parquet) as one <see cref="NumericTable"/>.</summary>
public static class ExternalTable
{
    public static NumericTable Load(string input)
    {
        var tables = InputFiles.Expand(input)
            .Select(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? CsvTableReader.Read(f) : ParquetTableReader.Read(f))
            .ToList();
        return NumericTable.Concatenate(tables);
    }
}
