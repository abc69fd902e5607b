using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>Sort difficulty + 2 integers ascending; values grow from one digit to three, negatives from level 5.</summary>
public sealed class SortingFamily : GeneratedTaskFamily
{
    public override string Name => "sorting";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Sort a list of integers in ascending order; longer lists and wider values with difficulty.";
    public override string PromptFormat => "'Sort: 5 2 9'";
    public override string AnswerFormat => "'Answer: 2 5 9' (spaces or commas; brackets ignored); exact order.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseSensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var count = difficulty + 2;
        var max = difficulty <= 2 ? 9 : difficulty <= 4 ? 99 : 999;
        var min = difficulty >= 5 ? -max : 0;
        var values = Enumerable.Range(0, count).Select(_ => (long)rng.Between(min, max)).ToList();
        var sorted = values.Order().ToList();
        return new GeneratedProblem("Sort: " + string.Join(' ', values), [], string.Join(' ', sorted));
    }
}
