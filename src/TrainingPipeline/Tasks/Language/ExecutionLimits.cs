namespace TrainingPipeline.Tasks.Language;

/// <summary>
/// Budgets that make running untrusted programs safe: every run ends within <see cref="MaxSteps"/> evaluation
/// steps, prints at most <see cref="MaxOutputChars"/>, nests calls at most <see cref="MaxCallDepth"/> deep and
/// parses at most <see cref="MaxSourceChars"/> of source nested <see cref="MaxNestingDepth"/> deep.
/// </summary>
public sealed record ExecutionLimits(
    long MaxSteps = 100_000,
    int MaxOutputChars = 10_000,
    int MaxCallDepth = 64,
    int MaxSourceChars = 20_000,
    int MaxNestingDepth = 32,
    int MaxTraceLines = 2_000)
{
    public static ExecutionLimits Default { get; } = new();

    /// <summary>Tighter budgets for scoring model-written programs: task programs need far less.</summary>
    public static ExecutionLimits Verification { get; } = new(MaxSteps: 20_000, MaxOutputChars: 2_000, MaxSourceChars: 4_000);
}
