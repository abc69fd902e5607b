using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>Adds two numbers of <c>difficulty</c> digits each; from 3 digits the solution shows column sums.</summary>
public sealed class AdditionFamily : GeneratedTaskFamily
{
    public override string Name => "addition";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Add two non-negative integers with as many digits as the difficulty.";
    public override string PromptFormat => "'What is A + B?' e.g. 'What is 37 + 58?'";
    public override string AnswerFormat => "'Answer: <integer>'; numeric comparison.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var a = rng.NumberWithDigits(difficulty);
        var b = rng.NumberWithDigits(difficulty);
        var steps = difficulty >= 3 ? ColumnSteps(a, b) : [];
        return new GeneratedProblem($"What is {a} + {b}?", steps, (a + b).ToString());
    }

    /// <summary>One line per column, right to left: "digit + digit + carry = sum".</summary>
    internal static IReadOnlyList<string> ColumnSteps(long a, long b)
    {
        var steps = new List<string>();
        var carry = 0L;
        while (a > 0 || b > 0)
        {
            var sum = a % 10 + b % 10 + carry;
            steps.Add($"{a % 10}+{b % 10}+{carry}={sum}");
            carry = sum / 10;
            a /= 10;
            b /= 10;
        }
        return steps;
    }
}
