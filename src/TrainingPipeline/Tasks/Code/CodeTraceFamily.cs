using TrainingPipeline.Tasks.Answers;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tasks.Code;

/// <summary>Predict what a generated program prints; the worked solution is the execution trace.</summary>
public sealed class CodeTraceFamily : GeneratedTaskFamily
{
    /// <summary>Longer traces are left out of the solution: at that length they teach less than they cost.</summary>
    private const int MaxTraceSteps = 40;

    public override string Name => "code-trace";
    public override TaskCategory Category => TaskCategory.Code;
    public override string Description =>
        "Predict the output of a program in the task language; difficulty adds if/else, loops, functions, recursion.";
    public override string PromptFormat => "'Run:' line, the program, then 'Output?'.";
    public override string AnswerFormat => "'Answer: <printed values separated by spaces>'; token comparison.";
    public override int MaxDifficulty => ProgramGenerator.MaxDifficulty;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseSensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var source = ProgramGenerator.Generate(rng, difficulty);
        var run = Interpreter.Run(source, ExecutionLimits.Verification);
        if (!run.Succeeded) throw new InvalidOperationException($"Generated program failed: {run.Error}");
        var steps = difficulty >= 2 && run.Trace.Count <= MaxTraceSteps
            ? run.Trace.Select(t => t.Text).ToList()
            : [];
        return new GeneratedProblem($"Run:\n{source}\nOutput?", steps, string.Join(' ', run.OutputLines),
            new Dictionary<string, string> { ["steps"] = run.StepsUsed.ToString() });
    }
}
