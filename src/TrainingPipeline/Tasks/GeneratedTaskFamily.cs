using TrainingPipeline.Results;
using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks;

/// <summary>What a family's generator produces before the shared formatting is applied.</summary>
public sealed record GeneratedProblem(
    string Prompt,
    IReadOnlyList<string> Steps,
    string Answer,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>
/// Base of the synthetic families: seeds the generator from (name, seed, difficulty), enforces the uniform format
/// (prompt ends with a newline; solution = worked steps, one per line, then <c>Answer: …</c>) and scores by
/// extracting the final answer with <see cref="AnswerExtractor"/> and comparing it in the family's answer format.
/// </summary>
public abstract class GeneratedTaskFamily : ITaskFamily
{
    public abstract string Name { get; }
    public abstract TaskCategory Category { get; }
    public abstract string Description { get; }
    public abstract string PromptFormat { get; }
    public virtual string AnswerFormat => "A final line 'Answer: <answer>'.";
    public abstract int MaxDifficulty { get; }

    /// <summary>How extracted answers are compared with the reference.</summary>
    protected abstract IAnswerFormat AnswerKind { get; }

    protected abstract GeneratedProblem Build(TaskRng rng, int difficulty);

    public TaskProblem Generate(long seed, int difficulty)
    {
        CheckDifficulty(difficulty);
        var built = Build(TaskRng.For(Name, seed, difficulty), difficulty);
        var prompt = built.Prompt.EndsWith('\n') ? built.Prompt : built.Prompt + "\n";
        var solution = string.Concat(built.Steps.Select(s => s + "\n")) + $"Answer: {built.Answer}\n";
        return new TaskProblem(Name, difficulty, seed, prompt, solution, built.Answer, built.Metadata);
    }

    public virtual Verdict Score(TaskProblem problem, string completion)
    {
        CheckOwnership(problem);
        return AnswerVerifier.Verify(completion, problem.Answer, AnswerKind);
    }

    protected void CheckOwnership(TaskProblem problem)
    {
        if (problem.Family != Name)
            throw new ArgumentException($"Problem of family '{problem.Family}' given to family '{Name}'.", nameof(problem));
    }

    protected void CheckDifficulty(int difficulty)
    {
        if (difficulty < 1 || difficulty > MaxDifficulty)
            throw new BadInputException($"task family '{Name}'", "difficulty",
                $"{difficulty} is outside 1..{MaxDifficulty}", $"use a difficulty from 1 to {MaxDifficulty}");
    }
}
