using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Solve for an integer x: 1 'x + b = c'; 2 'a*x = c'; 3 'a*x + b = c'; 4 negative values; 5-6 x on both sides
/// with larger coefficients. The solution isolates x step by step.
/// </summary>
public sealed class LinearEquationFamily : GeneratedTaskFamily
{
    public override string Name => "linear-equation";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Solve a linear equation in x with an integer solution.";
    public override string PromptFormat => "'Solve for x: 3x + 5 = 20'";
    public override string AnswerFormat => "'Answer: <integer>' (the value of x; 'x = 5' is also read as 5); numeric comparison.";
    public override int MaxDifficulty => 6;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var range = 5 * difficulty;
        var x = difficulty >= 4 ? rng.Between(-range, range) : rng.Between(1, 9 + range);
        long a = difficulty switch { 1 => 1, 2 or 3 => rng.Between(2, 9), _ => NonZero(rng, 12) };
        long b = difficulty switch { 2 => 0, 1 or 3 => rng.Between(1, 20), _ => rng.Between(-30, 30) };
        var steps = new List<string>();
        string prompt;
        if (difficulty <= 4)
        {
            var c = a * x + b;
            prompt = $"Solve for x: {Term(a)}{Constant(b)} = {c}";
            if (b != 0) steps.Add($"{Term(a)} = {c - b}");
        }
        else
        {
            long d = NonZero(rng, 12);
            while (d == a) d = NonZero(rng, 12);
            var rightConstant = a * x + b - d * x;
            prompt = $"Solve for x: {Term(a)}{Constant(b)} = {Term(d)}{Constant(rightConstant)}";
            steps.Add($"{Term(a - d)} = {rightConstant - b}");
            a -= d;
            b = 0;
        }
        if (a != 1) steps.Add($"x = {a * x} / {a}");
        return new GeneratedProblem(prompt, steps, x.ToString());
    }

    private static long NonZero(TaskRng rng, int max)
    {
        long value = 0;
        while (value == 0) value = rng.Between(-max, max);
        return value;
    }

    private static string Term(long a) => a switch { 1 => "x", -1 => "-x", _ => $"{a}x" };

    private static string Constant(long b) => b switch { 0 => "", > 0 => $" + {b}", _ => $" - {-b}" };
}
