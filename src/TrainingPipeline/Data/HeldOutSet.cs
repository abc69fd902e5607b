using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>
/// Domains an experiment keeps out of training to measure narrow-to-broad generalization. Matching ignores the
/// difficulty suffix: holding out <c>arith-mul</c> also excludes <c>arith-mul@3</c>.
/// </summary>
public sealed record HeldOutSet(IReadOnlyList<string> Domains)
{
    public static HeldOutSet None { get; } = new([]);

    public bool Contains(string domainId) =>
        Domains.Any(held => DomainRegistry.BaseIdOf(held) == DomainRegistry.BaseIdOf(domainId));

    /// <summary>Throws <see cref="BadInputException"/> naming the first held-out domain the training spec uses.</summary>
    public void EnsureAbsentFrom(CorpusSpec training)
    {
        for (var i = 0; i < training.Domains.Count; i++)
        {
            var id = training.Domains[i].Domain;
            if (Contains(id))
                throw new BadInputException($"corpus spec '{training.Name}'", $"Domains[{i}].Domain",
                    $"'{id}' is held out for evaluation in this experiment and must not be trained on",
                    $"remove '{id}' from the training mixture or from the held-out list");
        }
    }

    /// <summary>An evaluation mixture of the held-out domains with equal weights.</summary>
    public CorpusSpec EvaluationSpec(long tokenBudget, long seed)
    {
        if (Domains.Count == 0)
            throw new BadInputException("held-out set", "Domains", "is empty", "declare at least one held-out domain");
        return new CorpusSpec("heldout-eval", [.. Domains.Select(d => new DomainWeight(d, 1.0))], tokenBudget, seed);
    }
}
