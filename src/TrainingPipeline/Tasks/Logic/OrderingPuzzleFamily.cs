using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>
/// A small constraint puzzle: difficulty + 2 people, clues 'X<Y' (X is shorter than Y) between neighbours in the
/// hidden order, shuffled, plus redundant clues from level 4. The clues fix the order uniquely.
/// </summary>
public sealed class OrderingPuzzleFamily : GeneratedTaskFamily
{
    public override string Name => "ordering-puzzle";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Order letters from comparison clues that determine a unique order.";
    public override string PromptFormat => "'Clues: B<C A<B. Order from smallest?'";
    public override string AnswerFormat => "'Answer: A B C' (letters smallest first, spaces or commas).";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseSensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var count = difficulty + 2;
        var order = Enumerable.Range(0, count).Select(i => (char)('A' + i)).ToList();
        rng.Shuffle(order);
        var clues = new List<string>();
        for (var i = 0; i + 1 < count; i++)
            clues.Add(rng.NextBool() ? $"{order[i]}<{order[i + 1]}" : $"{order[i + 1]}>{order[i]}");
        // Redundant clues (implied by the chain) make the reader decide which clues matter.
        for (var extra = 0; extra < difficulty / 3 * 2; extra++)
        {
            var i = rng.Between(0, count - 3);
            var j = rng.Between(i + 2, count - 1);
            clues.Add($"{order[i]}<{order[j]}");
        }
        rng.Shuffle(clues);
        var steps = difficulty <= 2 ? [] : new[] { "chain: " + string.Join('<', order) };
        return new GeneratedProblem($"Clues: {string.Join(' ', clues)}. Order from smallest?", steps, string.Join(' ', order));
    }
}
