using TrainingPipeline.Config;

namespace TrainingPipeline.RL;

/// <summary>The values of <c>rl.algorithm</c> (snake_case in pipeline files and in the run identity).</summary>
public enum RlAlgorithm
{
    Grpo,
    Rloo,
    Reinforce,
}

/// <summary>
/// What an RL algorithm is made of: how it estimates advantages, what objective it minimises, and the smallest group
/// of completions per prompt its baseline needs. <paramref name="Objective"/> null = the objective <c>rl.loss</c> names
/// (the clipped surrogate by default, or CISPO).
/// </summary>
public sealed record RlAlgorithmDefinition(
    RlAlgorithm Algorithm,
    int MinGroupSize,
    Func<RlSection, IAdvantageEstimator> Advantages,
    Func<RlSection, IPolicyObjective>? Objective = null);

/// <summary>
/// The one registry of RL algorithms: the RL stage, the validator and the ML.NET trainer look algorithms up here.
/// Adding one = an <see cref="RlAlgorithm"/> member, its estimator (and objective, if new) in one file, and one line
/// below (docs/extending.md).
/// </summary>
public static class RlAlgorithms
{
    public static IReadOnlyList<RlAlgorithmDefinition> All { get; } =
    [
        new(RlAlgorithm.Grpo, 2, rl => rl.AdvantageNormalization == AdvantageNormalization.Batch
            ? new BatchNormalizedGroupAdvantages()
            : new GroupRelativeAdvantages(rl.ScaleByStd)),
        new(RlAlgorithm.Rloo, 2, _ => new LeaveOneOutAdvantages()),
        new(RlAlgorithm.Reinforce, 1, _ => new BatchMeanAdvantages()),
    ];

    public static RlAlgorithmDefinition For(RlAlgorithm algorithm) =>
        All.FirstOrDefault(d => d.Algorithm == algorithm)
        ?? throw new ArgumentException($"RL algorithm {algorithm} has no entry in RlAlgorithms.All");

    public static IAdvantageEstimator AdvantagesFor(RlSection rl) => For(rl.Algorithm).Advantages(rl);

    public static IPolicyObjective ObjectiveFor(RlSection rl) =>
        For(rl.Algorithm).Objective?.Invoke(rl) ?? rl.Loss switch
        {
            PolicyLossKind.ClippedSurrogate => new ClippedSurrogateObjective(PolicyLossOptions.From(rl)),
            PolicyLossKind.Cispo => new CispoObjective(PolicyLossOptions.From(rl)),
            _ => throw new ArgumentOutOfRangeException(nameof(rl), rl.Loss, "not a PolicyLossKind"),
        };

    /// <summary>The snake_case name a pipeline file uses.</summary>
    public static string Name(RlAlgorithm algorithm) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(algorithm.ToString());
}
