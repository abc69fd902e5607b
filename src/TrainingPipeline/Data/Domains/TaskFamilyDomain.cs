using TrainingPipeline.Tasks;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Solved problems of a task-gym family as pre-training documents (<c>Prompt + Solution</c>), so a model pre-trained
/// on them already knows the gym's prompt and answer formats before RL fine-tuning. Id: <c>task:&lt;family&gt;</c>,
/// with <c>@d</c> for difficulty d. Training corpora use only the family's <c>train</c> split
/// (<see cref="ProblemSplits"/>), so no evaluation problem is ever a pre-training document; loss-evaluation corpora use
/// only its <c>eval</c> split, so the loss is measured on problems the model never trained on.
/// </summary>
public sealed class TaskFamilyDomain : IDomain
{
    public const string Prefix = "task:";
    private readonly ITaskFamily _family;

    public TaskFamilyDomain(ITaskFamily family, int difficulty = 1)
    {
        if (difficulty < 1 || difficulty > family.MaxDifficulty)
            throw new ArgumentOutOfRangeException(nameof(difficulty), $"{family.Name}: difficulty must be 1..{family.MaxDifficulty}");
        _family = family;
        Difficulty = difficulty;
    }

    public int Difficulty { get; }
    public string Id => Difficulty == 1 ? Prefix + _family.Name : $"{Prefix}{_family.Name}@{Difficulty}";
    public string Category => "task-" + _family.Category.ToString().ToLowerInvariant();
    public string Description => $"Solved problems of the task family '{_family.Name}': {_family.Description}";

    /// <summary>
    /// v3: splits by canonical key and evaluation corpora from the eval split; v4: documents that state an eval problem
    /// as a longer chain ("12 + 3 * 4 = 24" in a word problem's solution) are skipped too; v5, for the families whose
    /// documents changed: word problems and programs are keyed by their underlying problem, and a step reducing part
    /// of a line (chained-arithmetic's "12 * 13 + 4" then "156 + 4") states a problem. Older caches are rebuilt; the
    /// other families keep v4, so runs that trained on them keep their ids.
    /// </summary>
    public string Fingerprint => Id + (ChangedInV5.Contains(_family.Name) ? "/v5" : "/v4");

    private static readonly HashSet<string> ChangedInV5 = new(StringComparer.Ordinal)
    {
        "word-problem", "code-trace", "code-repair", "code-repair-partial", "chained-arithmetic",
    };

    /// <summary>Training documents: problems of the train split.</summary>
    public IEnumerable<string> Documents(long seed) => Documents(seed, CorpusRole.Training);

    /// <summary>The train split for training corpora; the eval split for loss-evaluation corpora.</summary>
    public IEnumerable<string> Documents(long seed, CorpusRole role)
    {
        var split = role == CorpusRole.Evaluation ? ProblemSplit.Eval : ProblemSplit.Train;
        var random = new SplitMix64(seed);
        while (true)
        {
            var problem = ProblemSplits.Generate(_family, random.NextSeed(), Difficulty, split);
            var document = problem.Prompt + problem.Solution;
            // A worked step may state another problem that is an eval problem ("47 * 30 = 1410" in 47 * 35's solution).
            if (split == ProblemSplit.Train && ProblemSplits.StatesAnEvalProblem(document)) continue;
            yield return document;
        }
    }
}
