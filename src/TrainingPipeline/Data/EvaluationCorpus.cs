namespace TrainingPipeline.Data;

/// <summary>
/// Builds evaluation corpora from the evaluation seed stream, with every document whose exact text occurs in the
/// training corpus removed. The filter matters for in-distribution sets: low-difficulty domains have small
/// problem spaces (e.g. 720 two-digit-by-one-digit products), so the two streams overlap by chance; the manifest's
/// <see cref="DomainCount.DuplicatesSkipped"/> says how much was removed. Evaluation sets also hold each document
/// only once. When a domain cannot supply enough new documents the build fails with a BadInputException rather than
/// looping or silently repeating problems.
/// </summary>
public static class EvaluationCorpus
{
    /// <summary>Held-out domains only; checks first that the training corpus used none of them.</summary>
    public static TokenCorpus HeldOut(HeldOutSet heldOut, TokenCorpus training, ITextTokenizer tokenizer, string cacheRoot,
        long tokenBudget, Func<string, IDomain>? resolveDomain = null)
    {
        heldOut.EnsureAbsentFrom(training.Manifest.Spec);
        var spec = heldOut.EvaluationSpec(tokenBudget, training.Manifest.Spec.Seed);
        return TokenCorpus.Materialize(spec, tokenizer, cacheRoot,
            new MaterializeOptions(CorpusRole.Evaluation, training, resolveDomain));
    }

    /// <summary>The training mixture itself (same domains and weights), as unseen documents.</summary>
    public static TokenCorpus InDistribution(TokenCorpus training, ITextTokenizer tokenizer, string cacheRoot,
        long tokenBudget, Func<string, IDomain>? resolveDomain = null)
    {
        var spec = training.Manifest.Spec with { Name = training.Manifest.Spec.Name + "-eval", TokenBudget = tokenBudget };
        return TokenCorpus.Materialize(spec, tokenizer, cacheRoot,
            new MaterializeOptions(CorpusRole.Evaluation, training, resolveDomain));
    }
}
