using Parquet;
using TrainingPipeline.Results;

namespace TrainingPipeline.Data.UserCorpora;

/// <summary>
/// Parquet files (one file, or every <c>*.parquet</c> under a folder): each non-null value of the string column
/// <c>column</c> is one document. Id: <c>parquet:&lt;path&gt;#&lt;column&gt;</c>.
/// </summary>
public sealed class ParquetDomain(string path, string column = "text") : DocumentListDomain(
    $"parquet:{path}#{column}", $"The '{column}' column of {path}.", UserFiles.Expand(path, "*.parquet"))
{
    public const string Prefix = "parquet:";

    protected override IReadOnlyList<string> Load()
    {
        var documents = new List<string>();
        foreach (var file in Files)
        {
            try
            {
                ReadFile(file, documents).GetAwaiter().GetResult();
            }
            catch (Exception error) when (ParquetFailures.IsUnreadableFile(error))
            {
                throw new BadInputException(file, "file", $"is not a readable Parquet file ({error.Message})",
                    "check the file (a truncated copy or another format renamed .parquet)", error);
            }
        }
        if (documents.Count == 0)
            throw new BadInputException(Id[Prefix.Length..], column, "holds no non-null values", "point the domain at a non-empty Parquet file");
        return documents;
    }

    private async Task ReadFile(string file, List<string> documents)
    {
        var reader = await ParquetReader.CreateAsync(file);
        await using (reader)
        {
            // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char>; both read as strings.
            var field = reader.Schema.DataFields.FirstOrDefault(f => f.Name == column);
            if (field is null || (field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>)))
                throw new BadInputException(file, column, field is null ? "no such column" : $"is {field.ClrType.Name}, not text",
                    "name a string column after '#' in the domain id; columns: " + string.Join(", ", reader.Schema.DataFields.Select(f => f.Name)));
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var values = new string?[rowGroup.RowCount];
                await rowGroup.ReadAsync(field, values.AsMemory());
                documents.AddRange(values.OfType<string>());
            }
        }
    }
}
