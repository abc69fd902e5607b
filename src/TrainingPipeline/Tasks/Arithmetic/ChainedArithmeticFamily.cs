using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Evaluates a chain of difficulty + 1 operands joined by +, - and * with the usual precedence; the solution
/// rewrites the expression one operation at a time (products first).
/// </summary>
public sealed class ChainedArithmeticFamily : GeneratedTaskFamily
{
    public override string Name => "chained-arithmetic";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Evaluate 'a op b op c ...' with difficulty + 1 operands, * before + and -.";
    public override string PromptFormat => "'Compute: 3 + 4 * 2 - 5'";
    public override string AnswerFormat => "'Answer: <integer>'; numeric comparison.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var operands = new List<long>();
        var operators = new List<char>();
        var maxOperand = difficulty <= 2 ? 9 : 20;
        for (var i = 0; i <= difficulty; i++)
        {
            operands.Add(rng.Between(1, maxOperand));
            if (i < difficulty) operators.Add(rng.Pick(difficulty == 1 ? ['+', '-'] : new[] { '+', '-', '*' }));
        }
        var prompt = "Compute: " + Render(operands, operators);
        var steps = new List<string>();
        // Products first, left to right; then sums and differences, left to right.
        foreach (var pass in new[] { "*", "+-" })
        {
            for (var i = 0; i < operators.Count;)
            {
                if (!pass.Contains(operators[i])) { i++; continue; }
                operands[i] = operators[i] switch { '*' => operands[i] * operands[i + 1], '+' => operands[i] + operands[i + 1], _ => operands[i] - operands[i + 1] };
                operands.RemoveAt(i + 1);
                operators.RemoveAt(i);
                if (operators.Count > 0) steps.Add(Render(operands, operators));
            }
        }
        return new GeneratedProblem(prompt, steps, operands[0].ToString());
    }

    private static string Render(List<long> operands, List<char> operators) =>
        string.Concat(operands.Select((o, i) => i < operators.Count ? $"{o} {operators[i]} " : o.ToString()));
}
