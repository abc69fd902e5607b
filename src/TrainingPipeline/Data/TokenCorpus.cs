using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>
/// A materialized, pre-tokenized corpus: every document's tokens followed by the end-of-document token, as one array
/// of 16-bit ids. Corpora are cached under <c>cacheRoot/&lt;name&gt;-&lt;tokenizer&gt;-&lt;hash&gt;/</c> with
/// <c>manifest.json</c>, <c>tokens.u16</c> (little-endian) and <c>documents.hash64</c> (one 64-bit hash per document,
/// for de-duplicating evaluation sets). A cache entry whose checksum does not match is deleted and rebuilt.
/// </summary>
public sealed class TokenCorpus
{
    public const int FormatVersion = 1;
    internal const string ManifestFile = "manifest.json";
    internal const string TokensFile = "tokens.u16";
    internal const string DocumentHashesFile = "documents.hash64";

    /// <summary>Above this many tokens a corpus is not cached; use <see cref="StreamingBatchLoader"/> instead.</summary>
    public const long MaxMaterializedTokens = 1L << 30;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly ushort[] _tokens;
    private HashSet<ulong>? _documentHashes;

    private TokenCorpus(CorpusManifest manifest, ushort[] tokens, string directory, CacheOutcome outcome)
    {
        Manifest = manifest;
        _tokens = tokens;
        Directory = directory;
        Outcome = outcome;
    }

    public CorpusManifest Manifest { get; }
    public long TokenCount => _tokens.LongLength;
    public ReadOnlySpan<ushort> Tokens => _tokens;

    /// <summary>The backing array, shared with loaders to avoid a copy; never mutated.</summary>
    internal ushort[] TokenArray => _tokens;

    /// <summary>The cache folder holding this corpus.</summary>
    public string Directory { get; }

    public CacheOutcome Outcome { get; }

    /// <summary>The 64-bit hashes (<see cref="StableHash.Fnv1a64"/>) of every document text in this corpus.</summary>
    public IReadOnlySet<ulong> DocumentHashes => _documentHashes ??= LoadDocumentHashes(Directory);

    /// <summary>Each document's tokens (without its end-of-document token), in corpus order.</summary>
    public IEnumerable<ReadOnlyMemory<ushort>> DocumentTokens()
    {
        var endOfDocument = (ushort)Manifest.EndOfDocument;
        var start = 0;
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (_tokens[i] != endOfDocument) continue;
            yield return _tokens.AsMemory(start, i - start);
            start = i + 1;
        }
    }

    /// <summary>
    /// The document texts of the training corpus <see cref="Materialize(CorpusSpec, ITextTokenizer, string)"/> would
    /// build for this spec, generated again in order (nothing is cached or held in memory).
    /// </summary>
    public static IEnumerable<string> TrainingDocuments(CorpusSpec spec, ITextTokenizer tokenizer, Func<string, IDomain>? resolveDomain = null)
    {
        var resolve = resolveDomain ?? DomainRegistry.Get;
        return CorpusBuilder.TrainingDocuments(spec, spec.Domains.Select(d => resolve(d.Domain)).ToArray(), tokenizer);
    }

    /// <summary>Builds (or reuses from the cache) the training corpus of a spec, resolving ids with <see cref="DomainRegistry"/>.</summary>
    public static TokenCorpus Materialize(CorpusSpec spec, ITextTokenizer tokenizer, string cacheRoot) =>
        Materialize(spec, tokenizer, cacheRoot, new MaterializeOptions());

    public static TokenCorpus Materialize(CorpusSpec spec, ITextTokenizer tokenizer, string cacheRoot, MaterializeOptions options)
    {
        CorpusSpecValidation.Validate(spec);
        if (options.Role == CorpusRole.Training) options.HeldOut?.EnsureAbsentFrom(spec);
        if (spec.TokenBudget > MaxMaterializedTokens)
            throw new BadInputException($"corpus spec '{spec.Name}'", "TokenBudget", $"{spec.TokenBudget} tokens are too many to cache",
                $"stay at or below {MaxMaterializedTokens} tokens or stream the corpus with StreamingBatchLoader");
        if (tokenizer.VocabSize > 65536)
            throw new BadInputException($"tokenizer '{tokenizer.Name}'", "VocabSize", $"{tokenizer.VocabSize} does not fit 16-bit ids",
                "use a vocabulary of at most 65536 tokens");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("token caches are little-endian files");

        var resolve = options.ResolveDomain ?? DomainRegistry.Get;
        var domains = spec.Domains.Select(d => resolve(d.Domain)).ToArray();
        var hash = CacheKey(spec, domains, tokenizer, options);
        var directory = Path.Combine(cacheRoot, $"{SafeName(spec.Name)}-{tokenizer.Name}-{hash[..16]}");

        var outcome = CacheOutcome.Built;
        if (System.IO.Directory.Exists(directory))
        {
            var cached = TryLoad(directory, hash);
            if (cached is not null) return cached;
            DeleteDirectory(directory);
            outcome = CacheOutcome.Rebuilt;
        }

        var stopwatch = Stopwatch.StartNew();
        var built = CorpusBuilder.Build(spec, domains, tokenizer, options);
        var tokens = built.Tokens.ToArray();
        System.IO.Directory.CreateDirectory(cacheRoot);
        var temporary = Path.Combine(cacheRoot, $".tmp-{Path.GetFileName(directory)}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(temporary);
        try
        {
            var tokensPath = Path.Combine(temporary, TokensFile);
            File.WriteAllBytes(tokensPath, MemoryMarshal.AsBytes(tokens.AsSpan()));
            var hashesPath = Path.Combine(temporary, DocumentHashesFile);
            File.WriteAllBytes(hashesPath, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(built.DocumentHashes)));
            var manifest = new CorpusManifest(FormatVersion, hash, spec, options.Role, tokenizer.Name, tokenizer.VocabSize,
                tokenizer.EndOfDocument, tokens.LongLength, built.DocumentHashes.Count, built.Counts,
                StableHash.Sha256HexOfFile(tokensPath), StableHash.Sha256HexOfFile(hashesPath),
                options.ExcludeDocumentsOf?.Manifest.Hash, Math.Round(stopwatch.Elapsed.TotalSeconds, 3));
            File.WriteAllText(Path.Combine(temporary, ManifestFile), JsonSerializer.Serialize(manifest, JsonOptions));
            try
            {
                System.IO.Directory.Move(temporary, directory);
            }
            catch (IOException) when (System.IO.Directory.Exists(directory))
            {
                // Another process finished the same corpus first; its copy is identical by construction.
                DeleteDirectory(temporary);
                return TryLoad(directory, hash) ?? throw new IOException($"{directory}: a concurrent build left an invalid cache");
            }
            return new TokenCorpus(manifest, tokens, directory, outcome) { _documentHashes = [.. built.DocumentHashes] };
        }
        catch
        {
            if (System.IO.Directory.Exists(temporary)) DeleteDirectory(temporary);
            throw;
        }
    }

    /// <summary>Opens a cached corpus folder directly, verifying its checksums; a clear error if it is invalid.</summary>
    public static TokenCorpus Open(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestFile);
        var manifest = ReadManifest(manifestPath) ?? throw new BadInputException(manifestPath, "manifest",
            "is missing or unreadable", "materialize the corpus again (delete the folder)");
        return TryLoad(directory, manifest.Hash) ?? throw new BadInputException(Path.Combine(directory, TokensFile),
            "TokensSha256", "the token file does not match the manifest checksum", "delete the folder and materialize again");
    }

    private static TokenCorpus? TryLoad(string directory, string expectedHash)
    {
        var manifest = ReadManifest(Path.Combine(directory, ManifestFile));
        if (manifest is null || manifest.Hash != expectedHash || manifest.FormatVersion != FormatVersion) return null;
        var tokensPath = Path.Combine(directory, TokensFile);
        var hashesPath = Path.Combine(directory, DocumentHashesFile);
        if (!File.Exists(tokensPath) || !File.Exists(hashesPath)) return null;
        if (new FileInfo(tokensPath).Length != manifest.TokenCount * sizeof(ushort)) return null;
        if (StableHash.Sha256HexOfFile(tokensPath) != manifest.TokensSha256) return null;
        if (StableHash.Sha256HexOfFile(hashesPath) != manifest.DocumentHashesSha256) return null;
        var tokens = new ushort[manifest.TokenCount];
        using (var stream = File.OpenRead(tokensPath)) stream.ReadExactly(MemoryMarshal.AsBytes(tokens.AsSpan()));
        return new TokenCorpus(manifest, tokens, directory, CacheOutcome.Reused);
    }

    private static CorpusManifest? ReadManifest(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllText(path), JsonOptions) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HashSet<ulong> LoadDocumentHashes(string directory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, DocumentHashesFile));
        return [.. MemoryMarshal.Cast<byte, ulong>(bytes).ToArray()];
    }

    internal static string CacheKey(CorpusSpec spec, IReadOnlyList<IDomain> domains, ITextTokenizer tokenizer, MaterializeOptions options) =>
        CacheKey(spec, domains, tokenizer.Name, options);

    internal static string CacheKey(CorpusSpec spec, IReadOnlyList<IDomain> domains, string tokenizerName, MaterializeOptions options)
    {
        var key = new System.Text.StringBuilder();
        key.Append("format=").Append(FormatVersion).Append('\n')
            .Append("role=").Append(options.Role).Append('\n')
            .Append("tokenizer=").Append(tokenizerName).Append('\n')
            .Append("budget=").Append(spec.TokenBudget).Append('\n')
            .Append("seed=").Append(spec.Seed).Append('\n')
            .Append("exclude=").Append(options.ExcludeDocumentsOf?.Manifest.Hash ?? "none").Append('\n');
        for (var i = 0; i < domains.Count; i++)
            key.Append(options.Role == CorpusRole.Evaluation ? domains[i].EvaluationFingerprint : domains[i].Fingerprint).Append('=').Append(spec.Domains[i].Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return StableHash.Sha256Hex(key.ToString());
    }

    internal static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe.Length > 48 ? safe[..48] : safe;
    }

    private static void DeleteDirectory(string directory)
    {
        // Rename first so a half-deleted folder never looks like a cache entry to another process.
        var doomed = Path.Combine(Path.GetDirectoryName(directory)!, $".del-{Guid.NewGuid():N}");
        System.IO.Directory.Move(directory, doomed);
        System.IO.Directory.Delete(doomed, recursive: true);
    }
}
