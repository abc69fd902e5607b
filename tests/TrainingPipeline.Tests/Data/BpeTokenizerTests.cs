using CsCheck;
using TrainingPipeline.Data;
using TrainingPipeline.Testing;

namespace TrainingPipeline.Tests.Data;

public sealed class BpeTokenizerTests : IDisposable
{
    private const string Shakespeare = "tinyshakespeare/input.txt";
    private static readonly Lazy<BpeTokenizer> MixedTokenizer = new(() => BpeTokenizer.Train(
        DomainRegistry.All.SelectMany(d => d.Documents(1).Take(150)), vocabSize: 600));

    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void RoundTripsDocumentsOfEveryDomainWithFewerTokensThanBytes()
    {
        var tokenizer = MixedTokenizer.Value;
        Assert.Equal(600, tokenizer.VocabSize);
        Assert.Equal(599, tokenizer.EndOfDocument);
        foreach (var domain in DomainRegistry.All)
        {
            long tokens = 0, bytes = 0;
            foreach (var document in domain.Documents(99).Take(30))   // a different seed than training
            {
                var ids = tokenizer.Encode(document);
                Assert.Equal(document, tokenizer.Decode(ids));
                Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.EndOfDocument - 1));
                tokens += ids.Length;
                bytes += System.Text.Encoding.UTF8.GetByteCount(document);
            }
            Assert.True(tokens < bytes * 0.8, $"{domain.Id}: {tokens} tokens for {bytes} bytes");
        }
    }

    [Fact]
    public void RoundTripsArbitraryUnicodeThroughByteFallback() =>
        ByteTokenizerTests.ValidText.Sample(text => MixedTokenizer.Value.Decode(MixedTokenizer.Value.Encode(text)) == text, iter: 300);

    [Fact]
    public void DecodesEndOfDocumentAsMarker()
    {
        var tokenizer = MixedTokenizer.Value;
        var ids = tokenizer.Encode("Answer: 7\n").Append(tokenizer.EndOfDocument).Concat(tokenizer.Encode("x")).ToArray();
        Assert.Equal("Answer: 7\n<eod>x", tokenizer.Decode(ids));
    }

    [Fact]
    public void TrainingIsDeterministicAndSaveLoadKeepsTheIds()
    {
        var texts = DomainRegistry.Get("nl-story").Documents(3).Take(200).ToList();
        var first = BpeTokenizer.Train(texts, 400);
        var second = BpeTokenizer.Train(texts, 400);
        Assert.Equal(first.RanksText, second.RanksText);
        var path = Path.Combine(_cache.Path, "story.tiktoken");
        first.Save(path);
        var loaded = BpeTokenizer.Load(path);
        Assert.Equal(first.Name, loaded.Name);
        Assert.Equal(first.Encode(texts[0]), loaded.Encode(texts[0]));
    }

    [Fact]
    public void MostFrequentPairIsMergedFirst()
    {
        // "ab" occurs 6 times, "cd" twice: the first merge (rank 256) must be "ab".
        var tokenizer = BpeTokenizer.Train(["ab ab ab ab ab ab cd cd"], 258);
        Assert.Equal("YWI= 256", tokenizer.RanksText.Split('\n')[256]);
        Assert.Equal([256], tokenizer.Encode("ab"));
    }

    [Fact]
    public void CorpusTokenizerIsCachedAndUsableForMaterialization()
    {
        var spec = CorpusSpecs.Breadth(4, 20_000);
        var tokenizer = CorpusTokenizers.Bpe(spec, 512, _cache.Path, trainingChars: 60_000);
        var again = CorpusTokenizers.Bpe(spec, 512, _cache.Path, trainingChars: 60_000);
        Assert.Equal(tokenizer.Name, again.Name);
        Assert.Single(Directory.GetFiles(Path.Combine(_cache.Path, "tokenizers")));

        var corpus = TokenCorpus.Materialize(spec, tokenizer, _cache.Path);
        Assert.Contains(tokenizer.Name, Path.GetFileName(corpus.Directory));
        Assert.Equal(corpus.Manifest.DocumentCount, corpus.Tokens.Count((ushort)tokenizer.EndOfDocument));
        var first = corpus.DocumentTokens().First().ToArray().Select(t => (int)t).ToArray();
        Assert.StartsWith("What is ", tokenizer.Decode(first));
    }

    [SharedDataFact(Shakespeare)]
    public void TinyShakespeareRoundTripsAndCompresses()
    {
        var text = File.ReadAllText(SharedData.PathOf(Shakespeare));
        var tokenizer = BpeTokenizer.Train([text[..200_000]], 1024);
        var ids = tokenizer.Encode(text);
        Assert.Equal(text, tokenizer.Decode(ids));
        var bytesPerToken = (double)System.Text.Encoding.UTF8.GetByteCount(text) / ids.Length;
        Assert.True(bytesPerToken > 2.0, $"{bytesPerToken:F2} bytes per token");
        Assert.Equal(text, ByteTokenizer.Instance.Decode(ByteTokenizer.Instance.Encode(text)));
    }
}
