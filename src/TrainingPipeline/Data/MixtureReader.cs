namespace TrainingPipeline.Data;

/// <summary>
/// Interleaves documents of several domains so each domain's token share tracks its weight: the next document
/// always comes from the domain furthest below its share (smallest tokens/weight, ties to the first listed). This
/// is deterministic and keeps shares exact even for small budgets, which the breadth sweep at fixed tokens needs.
/// </summary>
internal sealed class MixtureReader : IDisposable
{
    private readonly IEnumerator<string>[] _streams;
    private readonly double[] _weights;
    private readonly long[] _tokens;

    public MixtureReader(IReadOnlyList<IDomain> domains, IReadOnlyList<double> weights, long seed, CorpusRole role)
    {
        Domains = domains;
        _weights = [.. weights];
        _tokens = new long[domains.Count];
        _streams = domains.Select(d => d.Documents(DomainSeed(seed, d.Id, role), role).GetEnumerator()).ToArray();
    }

    public IReadOnlyList<IDomain> Domains { get; }

    /// <summary>The seed of one domain's stream: depends on the spec seed, the domain id and the role only.</summary>
    public static long DomainSeed(long specSeed, string domainId, CorpusRole role) =>
        SplitMix64.Combine(SplitMix64.Combine(specSeed, (long)StableHash.Fnv1a64(domainId)), role == CorpusRole.Training ? 0x7EA1 : 0xE7A1);

    public int NextDomain()
    {
        var best = 0;
        for (var i = 1; i < _tokens.Length; i++)
            if (_tokens[i] / _weights[i] < _tokens[best] / _weights[best]) best = i;
        return best;
    }

    public string NextDocument(int domain)
    {
        if (!_streams[domain].MoveNext())
            throw new InvalidOperationException($"domain {Domains[domain].Id} ended; domains must be endless");
        return _streams[domain].Current;
    }

    /// <summary>Counts a kept document's tokens toward its domain's share.</summary>
    public void Account(int domain, long tokens) => _tokens[domain] += tokens;

    public void Dispose()
    {
        foreach (var stream in _streams) stream.Dispose();
    }
}
