using Parquet;
using Parquet.Schema;
using TrainingPipeline.Data;
using TrainingPipeline.Data.UserCorpora;
using TrainingPipeline.Results;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Data.UserCorpora;

public sealed class UserCorpusDomainTests : IDisposable
{
    private const string Shakespeare = "tinyshakespeare/input.txt";
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedDataFact(Shakespeare)]
    public void TinyShakespeareSplitsIntoParagraphsThatCoverTheText()
    {
        var domain = (TextFileDomain)DomainRegistry.Get("text:" + SharedData.PathOf(Shakespeare));
        Assert.Equal("user", domain.Category);
        var documents = domain.AllDocuments;
        Assert.True(documents.Count > 5000, $"{documents.Count} paragraphs");
        Assert.All(documents, d => Assert.InRange(d.Length, 1, TextFileDomain.MaxDocumentChars + 200));
        Assert.StartsWith("First Citizen:\nBefore we proceed any further, hear me speak.\n", documents[0]);
        // Nothing but blank-line separators is lost.
        var original = File.ReadAllText(SharedData.PathOf(Shakespeare)).Replace("\r\n", "\n");
        Assert.Equal(Letters(original), Letters(string.Concat(documents)));
    }

    [SharedDataFact(Shakespeare)]
    public void StreamReplaysEveryParagraphOncePerEpochInSeededOrder()
    {
        var domain = new TextFileDomain(SharedData.PathOf(Shakespeare));
        var count = domain.AllDocuments.Count;
        var epoch = domain.Documents(3).Take(count).ToList();
        Assert.Equal(domain.AllDocuments.Order(StringComparer.Ordinal), epoch.Order(StringComparer.Ordinal));
        Assert.NotEqual(domain.AllDocuments.Take(50), epoch.Take(50));
        Assert.NotEqual(epoch.Take(50), domain.Documents(3).Skip(count).Take(50));   // next epoch reshuffles
    }

    [Fact]
    public void TextFolderReadsEveryTxtFileAndChunksLongParagraphs()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "b.txt"), "second file\r\nline two\r\n\r\nthird paragraph\n");
        File.WriteAllText(Path.Combine(_folder.Path, "a.txt"), string.Join('\n', Enumerable.Repeat(new string('x', 99), 50)));
        File.WriteAllText(Path.Combine(_folder.Path, "ignored.md"), "not text");
        var domain = new TextFileDomain(_folder.Path);
        Assert.Equal(2, domain.Files.Count);
        Assert.Contains("second file\nline two\n", domain.AllDocuments);
        Assert.Contains("third paragraph\n", domain.AllDocuments);
        var chunks = domain.AllDocuments.Where(d => d.StartsWith('x')).ToList();
        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.True(c.Length <= TextFileDomain.MaxDocumentChars));
        Assert.Equal(50 * 100, chunks.Sum(c => c.Length));
    }

    [Fact]
    public void JsonlFieldIsOneDocumentPerLine()
    {
        var file = Path.Combine(_folder.Path, "data.jsonl");
        File.WriteAllLines(file, ["{\"text\": \"alpha\", \"n\": 1}", "", "{\"body\": \"x\", \"text\": \"beta\\ngamma\"}"]);
        var domain = DomainRegistry.Get($"jsonl:{file}");
        Assert.Equal(["alpha", "beta\ngamma"], ((JsonlDomain)domain).AllDocuments);
        Assert.Equal($"jsonl:{file}#text", domain.Id);
    }

    [Fact]
    public void JsonlLineWithoutTheFieldIsBadInputNamingFileAndLine()
    {
        var file = Path.Combine(_folder.Path, "bad.jsonl");
        File.WriteAllLines(file, ["{\"text\": \"ok\"}", "{\"title\": \"no text\"}"]);
        var error = Assert.Throws<BadInputException>(() => new JsonlDomain(file).AllDocuments);
        Assert.Contains("bad.jsonl:2", error.Message);
        Assert.Equal("text", error.Field);

        File.WriteAllLines(file, ["{not json"]);
        Assert.Contains("bad.jsonl:1", Assert.Throws<BadInputException>(() => new JsonlDomain(file).AllDocuments).Message);
    }

    [Fact]
    public async Task ParquetTextColumnIsOneDocumentPerRow()
    {
        var file = Path.Combine(_folder.Path, "data.parquet");
        var text = new DataField<string>("text");
        var id = new DataField<int>("id");
        await using (var stream = File.Create(file))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, text), stream))
        {
            for (var group = 0; group < 2; group++)
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync<int>(id, new[] { 1 + group * 2, 2 + group * 2 });
                await rowGroup.WriteAsync(text, new[] { $"row {group}a", $"row {group}b" });
            }
        }
        var domain = (ParquetDomain)DomainRegistry.Get($"parquet:{file}#text");
        Assert.Equal(["row 0a", "row 0b", "row 1a", "row 1b"], domain.AllDocuments);
        var error = Assert.Throws<BadInputException>(() => new ParquetDomain(file, "id").AllDocuments);
        Assert.Contains("not text", error.Message);
        Assert.Contains("no such column", Assert.Throws<BadInputException>(() => new ParquetDomain(file, "body").AllDocuments).Message);
    }

    [Fact]
    public void MissingPathIsBadInput() =>
        Assert.Equal("path", Assert.Throws<BadInputException>(() => DomainRegistry.Get("text:/no/such/file.txt")).Field);

    [SharedDataFact(Shakespeare)]
    public void ShakespeareMixesWithGeneratedDomainsInACorpus()
    {
        using var cache = new TemporaryDirectory();
        var spec = new CorpusSpec("bard-mix", [new("text:" + SharedData.PathOf(Shakespeare), 3), new("arith-add", 1)], 40_000, 1);
        var corpus = TokenCorpus.Materialize(spec, ByteTokenizer.Instance, cache.Path);
        Assert.Equal(0.75, (double)corpus.Manifest.Domains[0].Tokens / corpus.TokenCount, 0.05);
        Assert.Equal(CacheOutcome.Reused, TokenCorpus.Materialize(spec, ByteTokenizer.Instance, cache.Path).Outcome);
    }

    private static string Letters(string text) => new(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
}
