using TrainingPipeline.Results;
using TrainingPipeline.Tasks.Arithmetic;
using TrainingPipeline.Tasks.Code;
using TrainingPipeline.Tasks.Logic;

namespace TrainingPipeline.Tasks;

/// <summary>
/// Every built-in task family, so pipeline specs can select mixtures by name or category and hold families out.
/// <see cref="All"/> lists each family once; scoring variants (e.g. partial credit) are reachable by name only, so
/// that a category mixture never counts a family twice.
/// </summary>
public static class TaskRegistry
{
    public static IReadOnlyList<ITaskFamily> All { get; } =
    [
        new AdditionFamily(),
        new SubtractionFamily(),
        new MultiplicationFamily(),
        new ChainedArithmeticFamily(),
        new ModularArithmeticFamily(),
        new FractionsFamily(),
        new LinearEquationFamily(),
        new WordProblemFamily(),
        new SequenceFamily(),
        new CodeTraceFamily(),
        new CodeSynthesisFamily(),
        new CodeRepairFamily(),
        new SortingFamily(),
        new ListOpsFamily(),
        new StringOpsFamily(),
        new BooleanLogicFamily(),
        new GraphReachabilityFamily(),
        new OrderingPuzzleFamily(),
    ];

    /// <summary>Families selectable by name but not part of <see cref="All"/> (alternative scorings).</summary>
    public static IReadOnlyList<ITaskFamily> Variants { get; } =
    [
        new CodeSynthesisFamily(partialCredit: true),
        new CodeRepairFamily(partialCredit: true),
    ];

    public static IReadOnlyList<string> Names => All.Concat(Variants).Select(f => f.Name).ToList();

    /// <summary>The family with this name; an unknown name is bad input listing the known names.</summary>
    public static ITaskFamily Get(string name) =>
        All.Concat(Variants).FirstOrDefault(f => f.Name == name)
        ?? throw new BadInputException("task registry", "family", $"unknown task family '{name}'",
            "use one of: " + string.Join(", ", Names));

    /// <summary>
    /// Families named in <paramref name="names"/> plus every family of <paramref name="categories"/> (when both are
    /// null or empty: all of <see cref="All"/>), minus <paramref name="exclude"/>, in registry order.
    /// </summary>
    public static IReadOnlyList<ITaskFamily> Select(
        IEnumerable<string>? names, IEnumerable<TaskCategory>? categories, IEnumerable<string>? exclude)
    {
        var named = (names ?? []).Select(Get).ToList();
        var categorySet = (categories ?? []).ToHashSet();
        var excluded = (exclude ?? []).Select(n => Get(n).Name).ToHashSet();
        IEnumerable<ITaskFamily> chosen = named.Count == 0 && categorySet.Count == 0
            ? All
            : All.Where(f => categorySet.Contains(f.Category)).Concat(named);
        var ordered = All.Concat(Variants).ToList();
        return chosen.Where(f => !excluded.Contains(f.Name))
            .DistinctBy(f => f.Name)
            .OrderBy(f => ordered.FindIndex(o => o.Name == f.Name))
            .ToList();
    }
}
