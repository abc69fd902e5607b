namespace TrainingPipeline.Data;

/// <summary>Documents and tokens (including each document's end-of-document token) one domain contributed.</summary>
public sealed record DomainCount(string Domain, string Category, long Documents, long Tokens, long DuplicatesSkipped);

/// <summary>
/// What a materialized corpus holds and how it was made; written as <c>manifest.json</c> beside the token file.
/// <see cref="Hash"/> is the cache key (spec contents, domain fingerprints, role, tokenizer, de-duplication source);
/// the SHA-256 checksums detect a corrupt or truncated cache.
/// </summary>
public sealed record CorpusManifest(
    int FormatVersion,
    string Hash,
    CorpusSpec Spec,
    CorpusRole Role,
    string Tokenizer,
    int VocabSize,
    int EndOfDocument,
    long TokenCount,
    long DocumentCount,
    IReadOnlyList<DomainCount> Domains,
    string TokensSha256,
    string DocumentHashesSha256,
    string? DedupedAgainst,
    double BuildSeconds);
