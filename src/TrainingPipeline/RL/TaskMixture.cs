using TrainingPipeline.Config;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.RL;

/// <summary>
/// The RL task mixture as written in a pipeline (family names and <c>category:&lt;math|code|logic&gt;</c> keys, each with
/// a weight) and as trained (family names only). A category's weight is split evenly over its families, leaving out
/// the run's held-out families and the partial-credit variants, so "category:logic" with sorting held out trains on
/// the other logic families.
/// </summary>
public static class TaskMixture
{
    public const string CategoryPrefix = "category:";

    /// <summary>The category a <c>category:</c> key names, or null when the key is not a category key.</summary>
    public static TaskCategory? ParseCategory(string key) =>
        key.StartsWith(CategoryPrefix, StringComparison.Ordinal) &&
        Enum.TryParse<TaskCategory>(key[CategoryPrefix.Length..], ignoreCase: true, out var category) &&
        key[CategoryPrefix.Length..].All(char.IsLower)
            ? category
            : null;

    /// <summary>Families and weights, category keys expanded; a family named both ways gets both weights.</summary>
    public static SortedDictionary<string, double> Expand(IReadOnlyDictionary<string, double> tasks, IEnumerable<string>? heldOut)
    {
        var excluded = (heldOut ?? []).ToHashSet(StringComparer.Ordinal);
        var expanded = new SortedDictionary<string, double>(StringComparer.Ordinal);
        void Add(string family, double weight) => expanded[family] = expanded.GetValueOrDefault(family) + weight;
        foreach (var (key, weight) in tasks)
        {
            if (ParseCategory(key) is { } category)
            {
                var members = TaskRegistry.All.Where(f => f.Category == category && !excluded.Contains(f.Name)).ToList();
                foreach (var family in members) Add(family.Name, weight / members.Count);
            }
            else
            {
                Add(key, weight);
            }
        }
        return expanded;
    }

    /// <summary>
    /// Problem difficulty at an RL step: the last <c>difficulty_schedule</c> entry whose step is ≤ <paramref name="step"/>,
    /// else <c>difficulty</c>. Evaluations always use <c>difficulty</c>, so scores stay comparable along the run.
    /// </summary>
    public static int DifficultyAt(RlSection rl, int step)
    {
        int difficulty = rl.Difficulty;
        foreach (var point in rl.DifficultySchedule ?? [])
            if (point.Step <= step) difficulty = point.Difficulty;
        return difficulty;
    }
}
