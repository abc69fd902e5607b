using TrainingPipeline.Config;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cluster;

/// <summary>
/// Splits runs into levels by their depth in the parent chain (pretrain_narrow = 0, pretrain_broad = 1, rl = 2 …).
/// Each level becomes one job array that starts after the previous level's array has succeeded, which is correct
/// for any mix of parents (an array task cannot depend on one task of another array).
/// </summary>
public static class SweepLevels
{
    public static IReadOnlyList<IReadOnlyList<PlannedRun>> ByDepth(RunPlan plan, IEnumerable<PlannedRun> runs)
    {
        var byId = plan.Runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        int Depth(PlannedRun run)
        {
            int depth = 0;
            for (var current = run; current.ParentId is { } parent && byId.TryGetValue(parent, out var next); current = next)
                depth++;
            return depth;
        }
        return runs.GroupBy(Depth).OrderBy(g => g.Key).Select(g => (IReadOnlyList<PlannedRun>)g.ToList()).ToList();
    }

    /// <summary>The CLI verb that trains a run of this stage without running the analysis stage.</summary>
    public static string VerbFor(PlannedRun run) => run.Stage.Kind switch
    {
        StageKind.Pretrain => "pretrain",
        StageKind.Rl => "rl",
        _ => throw new InvalidOperationException($"run {run.Id} has stage {run.Stage}, which no training verb runs"),
    };
}
