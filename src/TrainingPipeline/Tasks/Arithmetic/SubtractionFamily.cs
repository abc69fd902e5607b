using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>Subtracts numbers of <c>difficulty</c> digits; from level 3 the result may be negative.</summary>
public sealed class SubtractionFamily : GeneratedTaskFamily
{
    public override string Name => "subtraction";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Subtract two integers with as many digits as the difficulty; negative results from level 3.";
    public override string PromptFormat => "'What is A - B?' e.g. 'What is 52 - 17?'";
    public override string AnswerFormat => "'Answer: <integer>' (possibly negative); numeric comparison.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var a = rng.NumberWithDigits(difficulty);
        var b = rng.NumberWithDigits(difficulty);
        if (difficulty < 3 && b > a) (a, b) = (b, a);
        var steps = difficulty >= 3 && a < b ? new[] { $"{b} - {a} = {b - a}", $"so {a} - {b} = {a - b}" } : [];
        return new GeneratedProblem($"What is {a} - {b}?", steps, (a - b).ToString());
    }
}
