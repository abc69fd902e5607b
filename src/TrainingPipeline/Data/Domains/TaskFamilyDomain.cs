using TrainingPipeline.Tasks;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Solved problems of a task-gym family as pre-training documents (<c>Prompt + Solution</c>), so a model pre-trained
/// on them already knows the gym's prompt and answer formats before RL fine-tuning. Id: <c>task:&lt;family&gt;</c>,
/// with <c>@d</c> for difficulty d. Only the family's <c>train</c> split is used (<see cref="ProblemSplits"/>), so
/// no evaluation problem is ever a pre-training document.
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

    /// <summary>v2: train split only, so corpora cached before the split are rebuilt.</summary>
    public string Fingerprint => Id + "/v2";

    public IEnumerable<string> Documents(long seed)
    {
        var random = new SplitMix64(seed);
        while (true)
        {
            var problem = ProblemSplits.Generate(_family, random.NextSeed(), Difficulty, ProblemSplit.Train);
            yield return problem.Prompt + problem.Solution;
        }
    }
}
