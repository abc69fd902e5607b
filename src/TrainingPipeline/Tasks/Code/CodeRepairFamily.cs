using TrainingPipeline.Tasks.Answers;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tasks.Code;

/// <summary>
/// Fix a program with one planted bug (an operator or a constant changed) so that it maps the shown inputs to
/// outputs; any program passing the ten hidden cases is accepted. The partial-credit variant rewards the fraction
/// of cases passed.
/// </summary>
public sealed class CodeRepairFamily(bool partialCredit = false) : GeneratedTaskFamily
{
    private static readonly string[] Operators = ["+", "-", "*", "<", ">"];

    public override string Name => partialCredit ? "code-repair-partial" : "code-repair";
    public override TaskCategory Category => TaskCategory.Code;
    public override string Description =>
        "Repair a one-line program with a single planted bug; verified on 10 hidden cases"
        + (partialCredit ? "; reward = fraction of cases passed." : "; all must pass.");
    public override string PromptFormat => "'Fix:', the buggy program, then one 'inputs -> output' line per example.";
    public override string AnswerFormat => "'Answer: <fixed program on one line>'.";
    public override int MaxDifficulty => SynthesisTargets.MaxDifficulty;
    protected override IAnswerFormat AnswerKind => ProgramAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var target = SynthesisTargets.Generate(rng, difficulty);
        var buggy = PlantBug(rng, target);
        var prompt = $"Fix:\n{buggy}\n" + string.Join('\n', SynthesisTargets.Examples(target));
        return new GeneratedProblem(prompt, [], target.Program,
            new Dictionary<string, string> { [HiddenTests.MetadataKey] = HiddenTests.Format(target.Cases) });
    }

    public override Verdict Score(TaskProblem problem, string completion)
    {
        CheckOwnership(problem);
        return HiddenTests.Score(problem, completion, partialCredit);
    }

    /// <summary>Changes one operator or number so that at least one shown example fails.</summary>
    private static string PlantBug(TaskRng rng, SynthesisTarget target)
    {
        var tokens = Lexer.Tokenize(target.Program).Where(t => t.Kind != TokenKind.EndOfInput).ToList();
        var candidates = tokens.Select((t, i) => (t, i))
            .Where(x => x.t.Kind == TokenKind.Number || Operators.Contains(x.t.Text)).Select(x => x.i).ToList();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var index = rng.Pick(candidates);
            var token = tokens[index];
            var replacement = token.Kind == TokenKind.Number
                ? (long.Parse(token.Text) + rng.Pick([1L, 2L])).ToString()
                : rng.Pick(Operators.Where(o => o != token.Text && ("<>".Contains(o) == "<>".Contains(token.Text))).ToList());
            var mutated = Render(tokens, index, replacement);
            var shownCases = target.Cases.Take(target.Shown);
            if (shownCases.Any(inputs => !SameOutput(mutated, target.Program, inputs))) return mutated;
        }
        throw new InvalidOperationException($"Could not plant a visible bug in '{target.Program}'.");
    }

    private static bool SameOutput(string a, string b, IReadOnlyList<long> inputs)
    {
        var runA = Interpreter.Run(a, ExecutionLimits.Verification, inputs);
        var runB = Interpreter.Run(b, ExecutionLimits.Verification, inputs);
        return runA.Succeeded && runA.OutputLines.SequenceEqual(runB.OutputLines);
    }

    /// <summary>Re-joins tokens with single spaces, except around parentheses, commas and ';'.</summary>
    private static string Render(IReadOnlyList<Token> tokens, int index, string replacement)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            var text = i == index ? replacement : tokens[i].Text;
            var glueLeft = text is ")" or "," or ";" || (i > 0 && tokens[i - 1].Text == "(") || (text == "(" && i > 0 && tokens[i - 1].Kind == TokenKind.Name && !Parser.Keywords.Contains(tokens[i - 1].Text));
            if (builder.Length > 0 && !glueLeft) builder.Append(' ');
            builder.Append(text);
        }
        return builder.ToString();
    }
}
