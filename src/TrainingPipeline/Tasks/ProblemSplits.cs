using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tasks;

/// <summary>Which side of a family's problem space a problem belongs to.</summary>
public enum ProblemSplit { Train, Eval }

/// <summary>
/// Splits every family's problem space into <c>train</c> and <c>eval</c> by a stable hash of the canonical problem
/// (<see cref="ProblemKeys.Key"/>: equivalent problems such as "47 + 38" and "38 + 47" share it), not by seed stream:
/// two seeds that generate the same or an equivalent problem put it on the same side, so an evaluation problem can
/// never be a training problem, nor have its commuted twin in training, however small the space. One prompt in
/// <see cref="EvalBuckets"/> is an eval problem. Training (task corpora, RL prompts) draws only <c>train</c> problems;
/// evaluation draws distinct <c>eval</c> problems.
/// </summary>
public static class ProblemSplits
{
    /// <summary>1 in 5 problems is held for evaluation: large enough that difficulty-2 arithmetic (8,100 problems)
    /// supplies 500 distinct eval problems, small enough that training keeps most of the space.</summary>
    public const int EvalBuckets = 5;

    /// <summary>Draws of the wrong split in a row after which a family is declared unable to supply the split.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>Draws in a row without a new distinct problem after which the split counts as exhausted.</summary>
    public const int MaxDrawsWithoutNew = 20_000;

    /// <summary>A salt, so that the split is independent of any other use of the same hash.</summary>
    private const string Salt = "problem-split-v1\n";

    public static string Name(ProblemSplit split) => split == ProblemSplit.Eval ? "eval" : "train";

    public static ProblemSplit Parse(string name, string source, string field) => name switch
    {
        "train" => ProblemSplit.Train,
        "eval" => ProblemSplit.Eval,
        _ => throw new BadInputException(source, field, $"unknown split '{name}'", "use train or eval"),
    };

    /// <summary>
    /// The split of the problem whose prompt is <paramref name="prompt"/>: a function of its canonical key. For
    /// prompts that determine their problem (a domain's document line); a generated problem's split is
    /// <see cref="Of(TaskProblem)"/> (code-synthesis is keyed by its target program, not its prompt).
    /// </summary>
    public static ProblemSplit Of(string prompt) => OfKey(ProblemKeys.Key(prompt));

    /// <summary>The split of a generated problem (<see cref="ProblemKeys.Key(TaskProblem)"/>).</summary>
    public static ProblemSplit Of(TaskProblem problem) => OfKey(ProblemKeys.Key(problem));

    /// <summary>The split of a canonical key (<see cref="ProblemKeys.Key"/>).</summary>
    public static ProblemSplit OfKey(string key)
    {
        var hash = StableHash.Fnv1a64(Salt + key);
        return SplitMix64.Mix(hash) % EvalBuckets == 0 ? ProblemSplit.Eval : ProblemSplit.Train;
    }

    /// <summary>
    /// Whether a training text states an eval problem with its answer, e.g. a worked step "47 * 30 = 1410" when
    /// "What is 47 * 30?" is an eval problem (<see cref="ProblemKeys.StatedProblemKeys"/>): training documents that do
    /// are skipped.
    /// </summary>
    public static bool StatesAnEvalProblem(string text) =>
        ProblemKeys.StatedProblemKeys(text).Any(key => OfKey(key) == ProblemSplit.Eval);

    /// <summary>
    /// The problem at <paramref name="seed"/> if it is in <paramref name="split"/>, else the first of a fixed sequence
    /// of derived seeds that is: deterministic in the seed, and the old problem whenever it was already in the split.
    /// </summary>
    public static TaskProblem Generate(ITaskFamily family, long seed, int difficulty, ProblemSplit split)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var problem = family.Generate(attempt == 0 ? seed : SplitMix64.Combine(seed, attempt), difficulty);
            if (Of(problem) == split) return problem;
        }
        throw new BadInputException($"task family '{family.Name}'", "difficulty",
            $"{MaxAttempts} problems in a row at difficulty {difficulty} fell outside the {Name(split)} split: the problem space is too small to split",
            "raise the difficulty");
    }

    /// <summary>
    /// <paramref name="count"/> distinct problems of <paramref name="split"/> (distinct up to equivalence: no two share
    /// a canonical key), drawn without replacement in a fixed order from <paramref name="seed"/>. When the split holds fewer, this is bad input naming the family,
    /// difficulty and the space's size (counted by sampling until no new problem appears; exact for small spaces).
    /// </summary>
    /// <param name="source">The file or command to blame, e.g. the pipeline file.</param>
    /// <param name="field">The setting that asked for <paramref name="count"/>, e.g. <c>$.rl.eval_problems</c>.</param>
    public static IReadOnlyList<TaskProblem> DrawDistinct(ITaskFamily family, long seed, int difficulty, ProblemSplit split, int count,
        string source, string field)
    {
        var chosen = new List<TaskProblem>(count);
        var seenInSplit = new HashSet<string>(StringComparer.Ordinal);
        var seenAll = new HashSet<string>(StringComparer.Ordinal);
        int drawsWithoutNew = 0;
        for (long index = 0; chosen.Count < count; index++)
        {
            var problem = family.Generate(SplitMix64.Combine(seed, index), difficulty);
            var key = ProblemKeys.Key(problem);
            seenAll.Add(key);
            if (OfKey(key) == split && seenInSplit.Add(key))
            {
                chosen.Add(problem);
                drawsWithoutNew = 0;
            }
            else if (++drawsWithoutNew >= MaxDrawsWithoutNew)
            {
                throw new BadInputException(source, field,
                    $"task family '{family.Name}' at difficulty {difficulty} has about {seenAll.Count:N0} distinct problems (counting equivalent problems such as 47 + 38 and 38 + 47 once), " +
                    $"of which {seenInSplit.Count:N0} are in its {Name(split)} split; {count:N0} distinct {Name(split)} problems were requested",
                    $"raise the difficulty (e.g. rl.difficulty) or lower {field} to at most {seenInSplit.Count:N0}");
            }
        }
        return chosen;
    }
}
