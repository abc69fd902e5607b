using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Code;

/// <summary>
/// Write a program (one line, statements separated by ';') that maps the shown inputs to outputs; it is run on
/// ten hidden cases. The partial-credit variant rewards the fraction of cases passed.
/// </summary>
public sealed class CodeSynthesisFamily(bool partialCredit = false) : GeneratedTaskFamily
{
    public override string Name => partialCredit ? "code-synthesis-partial" : "code-synthesis";
    public override TaskCategory Category => TaskCategory.Code;
    public override string Description =>
        "Write a task-language program mapping read() inputs to printed outputs; verified on 10 hidden cases"
        + (partialCredit ? "; reward = fraction of cases passed." : "; all must pass.");
    public override string PromptFormat => "'Program for:' then one 'inputs -> output' line per example.";
    public override string AnswerFormat => "'Answer: <program on one line, statements separated by ;>' e.g. 'Answer: print read() + 3'.";
    public override int MaxDifficulty => SynthesisTargets.MaxDifficulty;
    protected override IAnswerFormat AnswerKind => ProgramAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var target = SynthesisTargets.Generate(rng, difficulty);
        var prompt = "Program for:\n" + string.Join('\n', SynthesisTargets.Examples(target));
        return new GeneratedProblem(prompt, [], target.Program,
            new Dictionary<string, string> { [HiddenTests.MetadataKey] = HiddenTests.Format(target.Cases) });
    }

    public override Verdict Score(TaskProblem problem, string completion)
    {
        CheckOwnership(problem);
        return HiddenTests.Score(problem, completion, partialCredit);
    }
}
