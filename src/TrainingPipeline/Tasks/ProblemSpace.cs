namespace TrainingPipeline.Tasks;

/// <summary>
/// The size of a family's problem space at one difficulty, counted in canonical problems (<see cref="ProblemKeys"/>),
/// and how many of them are in the eval split. <see cref="Exhausted"/> is false when the count stopped at
/// <see cref="ProblemSpace.Cap"/>: the space is at least that large.
/// </summary>
public sealed record ProblemSpaceSize(string Family, int Difficulty, int Problems, int EvalProblems, bool Exhausted);

/// <summary>Measures problem spaces by generating seeds 0, 1, 2, … (deterministic; docs/tasks.md lists the results).</summary>
public static class ProblemSpace
{
    /// <summary>Counting stops at this many distinct problems: enough for ~1,000 eval problems.</summary>
    public const int Cap = 5_000;

    /// <summary>
    /// The space counts as exhausted after this many draws in a row without a new problem, or five times the number
    /// found, whichever is more: a sampled count, exact for spaces up to about a thousand and at most a few short
    /// above (rare problems, e.g. 47 + 47 among commuted pairs, are drawn half as often).
    /// </summary>
    public const int DrawsWithoutNew = 3_000;

    public static ProblemSpaceSize Measure(ITaskFamily family, int difficulty)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int eval = 0, sinceNew = 0;
        for (long seed = 0; keys.Count < Cap && sinceNew < Math.Max(DrawsWithoutNew, 5 * keys.Count); seed++)
        {
            var key = ProblemKeys.Key(family.Generate(seed, difficulty));
            if (!keys.Add(key)) { sinceNew++; continue; }
            sinceNew = 0;
            if (ProblemSplits.OfKey(key) == ProblemSplit.Eval) eval++;
        }
        return new ProblemSpaceSize(family.Name, difficulty, keys.Count, eval, Exhausted: keys.Count < Cap);
    }
}
