namespace TrainingPipeline.Data;

/// <summary>Trains (or reuses) a BPE tokenizer on a corpus spec's own documents and keeps it in the corpus cache.</summary>
public static class CorpusTokenizers
{
    /// <summary>
    /// The BPE tokenizer for <paramref name="spec"/>: trained on the first <paramref name="trainingChars"/> characters
    /// of the spec's training mixture and saved as <c>cacheRoot/tokenizers/&lt;name&gt;-bpe&lt;V&gt;-&lt;hash&gt;.tiktoken</c>;
    /// an existing file is loaded instead of retraining. The token budget does not enter the key, so every budget of
    /// a mixture shares one tokenizer.
    /// </summary>
    public static BpeTokenizer Bpe(CorpusSpec spec, int vocabSize, string cacheRoot, int trainingChars = 1_000_000,
        Func<string, IDomain>? resolveDomain = null)
    {
        CorpusSpecValidation.Validate(spec);
        var resolve = resolveDomain ?? DomainRegistry.Get;
        var domains = spec.Domains.Select(d => resolve(d.Domain)).ToArray();
        var key = TokenCorpus.CacheKey(spec with { TokenBudget = trainingChars }, domains, $"bpe-trainer-v1-{vocabSize}", new MaterializeOptions());
        var path = Path.Combine(cacheRoot, "tokenizers", $"{TokenCorpus.SafeName(spec.Name)}-bpe{vocabSize}-{key[..16]}.tiktoken");
        if (File.Exists(path)) return BpeTokenizer.Load(path);
        var tokenizer = BpeTokenizer.Train(TrainingTexts(spec, domains, trainingChars), vocabSize);
        tokenizer.Save(path);
        return tokenizer;
    }

    private static IEnumerable<string> TrainingTexts(CorpusSpec spec, IReadOnlyList<IDomain> domains, int trainingChars)
    {
        using var mixture = new MixtureReader(domains, [.. spec.Domains.Select(d => d.Weight)], spec.Seed, CorpusRole.Training);
        long chars = 0;
        while (chars < trainingChars)
        {
            var domain = mixture.NextDomain();
            var text = mixture.NextDocument(domain);
            mixture.Account(domain, text.Length);
            chars += text.Length;
            yield return text;
        }
    }
}
