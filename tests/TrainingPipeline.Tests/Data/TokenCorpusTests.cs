using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Data;

public sealed class TokenCorpusTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    private static CorpusSpec Mix(long budget = 20_000, long seed = 1) => new("mix",
        [new("arith-add", 2), new("sort-trace", 1), new("kv-records", 1)], budget, seed);

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void MaterializesTheBudgetWithDocumentsSeparatedByEndOfDocument()
    {
        var corpus = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        Assert.Equal(CacheOutcome.Built, corpus.Outcome);
        Assert.InRange(corpus.TokenCount, 20_000, 20_000 + 1_000);
        Assert.Equal(ByteTokenizer.EndOfDocumentId, corpus.Tokens[^1]);
        var separators = corpus.Tokens.Count((ushort)ByteTokenizer.EndOfDocumentId);
        Assert.Equal(corpus.Manifest.DocumentCount, separators);
        Assert.Equal(corpus.TokenCount, corpus.Manifest.Domains.Sum(d => d.Tokens));
        Assert.Equal(corpus.Manifest.DocumentCount, corpus.Manifest.Domains.Sum(d => d.Documents));
        // The first document decodes to an arithmetic problem (the first domain starts the mix).
        var firstEnd = corpus.Tokens.IndexOf((ushort)ByteTokenizer.EndOfDocumentId);
        var first = ByteTokenizer.Instance.Decode(corpus.Tokens[..firstEnd].ToArray().Select(t => (int)t).ToArray());
        Assert.Equal(DomainRegistry.Get("arith-add").Documents(MixtureReader.DomainSeed(1, "arith-add", CorpusRole.Training)).First(), first);
    }

    [Fact]
    public void TokenSharesFollowTheWeights()
    {
        var corpus = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        var shares = corpus.Manifest.Domains.ToDictionary(d => d.Domain, d => (double)d.Tokens / corpus.TokenCount);
        Assert.Equal(0.5, shares["arith-add"], 0.02);
        Assert.Equal(0.25, shares["sort-trace"], 0.02);
        Assert.Equal(0.25, shares["kv-records"], 0.02);
    }

    [Fact]
    public void SecondCallReusesTheCacheWithIdenticalTokens()
    {
        var built = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        var reused = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        Assert.Equal(CacheOutcome.Reused, reused.Outcome);
        Assert.Equal(built.Directory, reused.Directory);
        Assert.True(built.Tokens.SequenceEqual(reused.Tokens));
        Assert.Equal(built.Manifest.Hash, reused.Manifest.Hash);
        Assert.Single(Directory.GetDirectories(_cache.Path));   // no temp folders left behind
    }

    [Fact]
    public void CacheFolderNamesSpecTokenizerAndHash()
    {
        var corpus = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        Assert.Equal($"mix-byte-{corpus.Manifest.Hash[..16]}", Path.GetFileName(corpus.Directory));
        Assert.True(File.Exists(Path.Combine(corpus.Directory, "manifest.json")));
    }

    [Fact]
    public void DifferentSeedOrWeightsMakeADifferentCorpus()
    {
        var a = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        var b = TokenCorpus.Materialize(Mix(seed: 2), ByteTokenizer.Instance, _cache.Path);
        var c = TokenCorpus.Materialize(Mix() with { Domains = [new("arith-add", 1), new("sort-trace", 1), new("kv-records", 1)] },
            ByteTokenizer.Instance, _cache.Path);
        Assert.Equal(3, new[] { a.Manifest.Hash, b.Manifest.Hash, c.Manifest.Hash }.Distinct().Count());
        Assert.False(a.Tokens.SequenceEqual(b.Tokens));
    }

    [Fact]
    public void CorruptTokenFileIsDetectedAndRebuilt()
    {
        var built = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        var original = built.Tokens.ToArray();
        var tokensPath = Path.Combine(built.Directory, "tokens.u16");
        var bytes = File.ReadAllBytes(tokensPath);
        bytes[100] ^= 0x5A;
        File.WriteAllBytes(tokensPath, bytes);
        Assert.Throws<BadInputException>(() => TokenCorpus.Open(built.Directory));

        var rebuilt = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        Assert.Equal(CacheOutcome.Rebuilt, rebuilt.Outcome);
        Assert.Equal(original, rebuilt.Tokens.ToArray());
        Assert.Equal(CacheOutcome.Reused, TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path).Outcome);
    }

    [Fact]
    public void TruncatedManifestIsRebuilt()
    {
        var built = TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path);
        File.WriteAllText(Path.Combine(built.Directory, "manifest.json"), "{ \"FormatVersion\": 1, ");
        Assert.Equal(CacheOutcome.Rebuilt, TokenCorpus.Materialize(Mix(), ByteTokenizer.Instance, _cache.Path).Outcome);
    }

    [Theory]
    [InlineData(0, "TokenBudget")]
    [InlineData(-5, "TokenBudget")]
    public void InvalidBudgetIsBadInput(long budget, string field)
    {
        var error = Assert.Throws<BadInputException>(() => TokenCorpus.Materialize(Mix(budget), ByteTokenizer.Instance, _cache.Path));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void NonPositiveWeightIsBadInputNamingTheDomain()
    {
        var spec = Mix() with { Domains = [new("arith-add", 1), new("sort-trace", 0)] };
        var error = Assert.Throws<BadInputException>(() => TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path));
        Assert.Equal("Domains[1].Weight", error.Field);
        Assert.Contains("sort-trace", error.Message);
    }
}
