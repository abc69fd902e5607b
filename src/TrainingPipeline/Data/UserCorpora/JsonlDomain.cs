using System.Text.Json;
using TrainingPipeline.Results;

namespace TrainingPipeline.Data.UserCorpora;

/// <summary>
/// JSON Lines files (one file, or every <c>*.jsonl</c> under a folder): each non-blank line is an object whose
/// string field <c>field</c> is one document. Id: <c>jsonl:&lt;path&gt;#&lt;field&gt;</c>.
/// </summary>
public sealed class JsonlDomain(string path, string field = "text") : DocumentListDomain(
    $"jsonl:{path}#{field}", $"The '{field}' field of the JSON lines in {path}.", UserFiles.Expand(path, "*.jsonl"))
{
    public const string Prefix = "jsonl:";

    protected override IReadOnlyList<string> Load()
    {
        var documents = new List<string>();
        foreach (var file in Files)
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                documents.Add(Read(file, lineNumber, line));
            }
        }
        if (documents.Count == 0)
            throw new BadInputException(Id[Prefix.Length..], field, "no JSON lines found", "point the domain at a non-empty .jsonl file or folder");
        return documents;
    }

    private string Read(string file, int lineNumber, string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                return value.GetString()!;
            throw new BadInputException($"{file}:{lineNumber}", field, "is missing or not a string",
                $"give every line a string field '{field}', or name the right field after '#' in the domain id");
        }
        catch (JsonException error)
        {
            throw new BadInputException($"{file}:{lineNumber}", "line", $"is not valid JSON ({error.Message})",
                "write one JSON object per line", error);
        }
    }
}
