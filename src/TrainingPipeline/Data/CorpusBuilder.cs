using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>Generates and tokenizes a spec's mixture in memory until the token budget is reached.</summary>
internal static class CorpusBuilder
{
    /// <summary>Consecutive excluded duplicates after which a domain is declared unable to yield new documents.</summary>
    internal const int MaxConsecutiveDuplicates = 10_000;

    internal sealed record Result(TokenBuffer Tokens, List<ulong> DocumentHashes, IReadOnlyList<DomainCount> Counts);

    public static Result Build(CorpusSpec spec, IReadOnlyList<IDomain> domains, ITextTokenizer tokenizer, MaterializeOptions options)
    {
        var exclude = options.ExcludeDocumentsOf?.DocumentHashes;
        var tokens = new TokenBuffer(spec.TokenBudget + spec.TokenBudget / 8);
        var hashes = new List<ulong>();
        var documents = new long[domains.Count];
        var domainTokens = new long[domains.Count];
        var skipped = new long[domains.Count];
        var consecutiveSkips = new int[domains.Count];
        var byteTokenizer = tokenizer as ByteTokenizer;
        // Evaluation sets hold each document once: repeats would only re-weight a few problems.
        var seen = options.Role == CorpusRole.Evaluation ? new HashSet<ulong>() : null;
        using var mixture = new MixtureReader(domains, spec.Domains.Select(d => d.Weight).ToArray(), spec.Seed, options.Role);
        while (tokens.Count < spec.TokenBudget)
        {
            var domain = mixture.NextDomain();
            var text = mixture.NextDocument(domain);
            var hash = StableHash.Fnv1a64(text);
            if ((exclude is not null && exclude.Contains(hash)) || (seen is not null && !seen.Add(hash)))
            {
                skipped[domain]++;
                if (++consecutiveSkips[domain] >= MaxConsecutiveDuplicates)
                    throw new TooFewDistinctDocumentsException(spec.Name, domains[domain].Id);
                continue;
            }
            consecutiveSkips[domain] = 0;
            var before = tokens.Count;
            if (byteTokenizer is not null) byteTokenizer.EncodeInto(text, tokens);
            else tokens.AddRange(tokenizer.Encode(text));
            tokens.Add(tokenizer.EndOfDocument);
            var added = tokens.Count - before;
            mixture.Account(domain, added);
            hashes.Add(hash);
            documents[domain]++;
            domainTokens[domain] += added;
        }
        var counts = domains.Select((d, i) => new DomainCount(d.Id, d.Category, documents[i], domainTokens[i], skipped[i])).ToArray();
        return new Result(tokens, hashes, counts);
    }

    /// <summary>
    /// The texts of a training corpus's documents, in order, exactly as <see cref="Build"/> writes them for the
    /// training role (same mixture, same token accounting, same budget), without tokenizing them into memory: what
    /// the contamination check scans.
    /// </summary>
    public static IEnumerable<string> TrainingDocuments(CorpusSpec spec, IReadOnlyList<IDomain> domains, ITextTokenizer tokenizer)
    {
        var byteTokenizer = tokenizer as ByteTokenizer;
        using var mixture = new MixtureReader(domains, spec.Domains.Select(d => d.Weight).ToArray(), spec.Seed, CorpusRole.Training);
        long count = 0;
        while (count < spec.TokenBudget)
        {
            var domain = mixture.NextDomain();
            var text = mixture.NextDocument(domain);
            long added = (byteTokenizer is not null ? System.Text.Encoding.UTF8.GetByteCount(text) : tokenizer.Encode(text).Length) + 1;
            mixture.Account(domain, added);
            count += added;
            yield return text;
        }
    }
}

/// <summary>
/// A domain ran out of new documents: <see cref="CorpusBuilder.MaxConsecutiveDuplicates"/> in a row were duplicates
/// (of the excluded corpus or of the evaluation set being built). Bad input like any other, and its own type so that
/// a caller with a fallback (the pre-training stage's evaluation sets) can catch exactly this case.
/// </summary>
public sealed class TooFewDistinctDocumentsException(string corpus, string domain) : BadInputException($"corpus spec '{corpus}'",
    $"domain '{domain}'",
    $"{CorpusBuilder.MaxConsecutiveDuplicates} documents in a row were duplicates (of the excluded corpus or of this evaluation set); the domain has too few distinct documents",
    "raise the domain's difficulty (id@d) or lower the token budgets")
{
    public string Domain { get; } = domain;
}
