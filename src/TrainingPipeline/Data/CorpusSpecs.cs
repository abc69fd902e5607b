using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>
/// Ready-made mixtures. Narrow and broad are just two specs; <see cref="Breadth"/> makes breadth (number of
/// domains at a fixed token budget) a sweepable axis by taking prefixes of the registry's category-interleaved order.
/// </summary>
public static class CorpusSpecs
{
    /// <summary>The default narrow mixture: two arithmetic domains, equally weighted.</summary>
    public static IReadOnlyList<string> NarrowDomains { get; } = ["arith-add", "arith-mul"];

    public static CorpusSpec Narrow(long tokenBudget, long seed = 1) =>
        new("narrow", [.. NarrowDomains.Select(d => new DomainWeight(d, 1.0))], tokenBudget, seed);

    /// <summary>Every built-in domain except the held-out ones, equally weighted.</summary>
    public static CorpusSpec Broad(long tokenBudget, long seed = 1, HeldOutSet? heldOut = null) =>
        Breadth(Available(heldOut).Count, tokenBudget, seed, heldOut) with { Name = "broad" };

    /// <summary>The first <paramref name="domainCount"/> non-held-out domains in breadth order, equally weighted.</summary>
    public static CorpusSpec Breadth(int domainCount, long tokenBudget, long seed = 1, HeldOutSet? heldOut = null)
    {
        var available = Available(heldOut);
        if (domainCount < 1 || domainCount > available.Count)
            throw new BadInputException("breadth sweep", "domainCount", $"is {domainCount}",
                $"use 1 .. {available.Count} (the built-in domains not held out)");
        return new CorpusSpec($"breadth{domainCount}",
            [.. available.Take(domainCount).Select(d => new DomainWeight(d, 1.0))], tokenBudget, seed);
    }

    private static List<string> Available(HeldOutSet? heldOut) =>
        [.. DomainRegistry.All.Select(d => d.Id).Where(id => heldOut is null || !heldOut.Contains(id))];
}
