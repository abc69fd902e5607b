namespace TrainingPipeline.Tasks;

/// <summary>The three groups of task families; pipeline specs select mixtures by category.</summary>
public enum TaskCategory { Math, Code, Logic }

/// <summary>Why a completion earned the reward it did.</summary>
public enum VerdictReason { Correct, PartialCredit, WrongAnswer, Unparseable, Timeout, RuntimeError, LimitExceeded }

/// <summary>
/// One generated problem. <see cref="Prompt"/> is what the model sees (it ends with a newline);
/// <see cref="Solution"/> is a reference completion (optional worked steps, then the final answer in the family's
/// answer format) so that <c>Prompt + Solution</c> is a pre-training document; <see cref="Answer"/> is the bare final
/// answer the verifier checks against.
/// </summary>
public sealed record TaskProblem(
    string Family,
    int Difficulty,
    long Seed,
    string Prompt,
    string Solution,
    string Answer,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>A verifier's result: reward in [0, 1] and the reason, with detail for humans.</summary>
public sealed record Verdict(double Reward, VerdictReason Reason, string? Detail = null)
{
    public static Verdict Correct() => new(1.0, VerdictReason.Correct);
    public static Verdict Wrong(string? detail = null) => new(0.0, VerdictReason.WrongAnswer, detail);
    public static Verdict Unparseable(string? detail = null) => new(0.0, VerdictReason.Unparseable, detail);
}

/// <summary>
/// A family of verifiable tasks: generates problems deterministically from (seed, difficulty) and scores
/// completions exactly. Implementations are stateless and thread-safe.
/// </summary>
public interface ITaskFamily
{
    string Name { get; }
    TaskCategory Category { get; }
    string Description { get; }
    /// <summary>Human-readable description of the prompt layout.</summary>
    string PromptFormat { get; }
    /// <summary>Human-readable description of how the final answer must be written.</summary>
    string AnswerFormat { get; }
    /// <summary>Difficulty levels run from 1 (easiest) to this value.</summary>
    int MaxDifficulty { get; }

    TaskProblem Generate(long seed, int difficulty);

    /// <summary>Scores a completion (the text the model wrote after the prompt).</summary>
    Verdict Score(TaskProblem problem, string completion);
}
