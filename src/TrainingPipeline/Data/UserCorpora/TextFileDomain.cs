using System.Text;
using TrainingPipeline.Results;

namespace TrainingPipeline.Data.UserCorpora;

/// <summary>
/// Plain-text files (one file, or every <c>*.txt</c> under a folder) split into documents at blank lines; a
/// paragraph longer than <see cref="MaxDocumentChars"/> is cut at line breaks so no document dominates a window.
/// Line endings are normalized to <c>\n</c>. Id: <c>text:&lt;path&gt;</c>.
/// </summary>
public sealed class TextFileDomain(string path) : DocumentListDomain(
    "text:" + path, $"Plain text from {path}, split into paragraphs.", UserFiles.Expand(path, "*.txt"))
{
    public const string Prefix = "text:";
    public const int MaxDocumentChars = 2000;

    protected override IReadOnlyList<string> Load()
    {
        var documents = new List<string>();
        foreach (var file in Files)
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n");
            foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                documents.AddRange(Chunks(paragraph));
        }
        if (documents.Count == 0)
            throw new BadInputException(Id[Prefix.Length..], "text", "contains no text", "point the domain at a non-empty .txt file or folder");
        return documents;
    }

    private static IEnumerable<string> Chunks(string paragraph)
    {
        if (paragraph.Length <= MaxDocumentChars)
        {
            yield return paragraph + "\n";
            yield break;
        }
        var chunk = new StringBuilder();
        foreach (var line in paragraph.Split('\n'))
        {
            if (chunk.Length > 0 && chunk.Length + line.Length + 1 > MaxDocumentChars)
            {
                yield return chunk.ToString();
                chunk.Clear();
            }
            chunk.Append(line).Append('\n');
        }
        if (chunk.Length > 0) yield return chunk.ToString();
    }
}
