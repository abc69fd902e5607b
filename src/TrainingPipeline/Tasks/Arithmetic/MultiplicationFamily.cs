using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Multiplies an m-digit by an n-digit number, m + n = difficulty + 1 (1x1, 2x1, 2x2, 3x2, ...); with a multi-digit
/// second factor the solution lists the partial products.
/// </summary>
public sealed class MultiplicationFamily : GeneratedTaskFamily
{
    public override string Name => "multiplication";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Multiply two integers whose digit counts add up to difficulty + 1.";
    public override string PromptFormat => "'What is A * B?' e.g. 'What is 47 * 6?'";
    public override string AnswerFormat => "'Answer: <integer>'; numeric comparison.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var a = rng.NumberWithDigits((difficulty + 2) / 2);
        var b = rng.NumberWithDigits((difficulty + 1) / 2);
        var steps = new List<string>();
        if (b >= 10)
        {
            var place = 1L;
            for (var rest = b; rest > 0; rest /= 10, place *= 10)
                steps.Add($"{a} * {rest % 10 * place} = {a * (rest % 10) * place}");
        }
        return new GeneratedProblem($"What is {a} * {b}?", steps, (a * b).ToString());
    }
}
