namespace TrainingPipeline.Data;

/// <summary>One component of a mixture: a domain id (see <see cref="DomainRegistry"/>) and its share of tokens.</summary>
public sealed record DomainWeight(string Domain, double Weight);

/// <summary>
/// A weighted mixture of domains with a token budget and a seed. Weights are relative token shares (they need not sum
/// to one); the builder interleaves documents so each domain's share of tokens tracks its weight.
/// </summary>
public sealed record CorpusSpec(string Name, IReadOnlyList<DomainWeight> Domains, long TokenBudget, long Seed);
