using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>
/// One operation on a list of difficulty + 2 numbers; each level adds operations to the pool
/// (max, min, sum, reverse, count of evens, sum of odd positions, second largest, running sums).
/// </summary>
public sealed class ListOpsFamily : GeneratedTaskFamily
{
    private static readonly string[] Operations =
        ["max", "min", "sum", "reverse", "count-even", "last-minus-first", "second-largest", "running-sum"];

    public override string Name => "list-ops";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Apply a named operation (max, sum, reverse, running-sum...) to a list of integers.";
    public override string PromptFormat => "'max of 3 8 1', 'reverse of 4 1 7 2', 'running-sum of 1 2 3'";
    public override string AnswerFormat => "'Answer: <number or list>' (list items separated by spaces); exact tokens.";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseSensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var operation = Operations[rng.Between(0, difficulty - 1)];
        var values = Enumerable.Range(0, difficulty + 2).Select(_ => (long)rng.Between(0, difficulty <= 3 ? 9 : 30)).ToList();
        var (answer, steps) = Apply(operation, values);
        return new GeneratedProblem($"{operation} of {string.Join(' ', values)}", steps, answer);
    }

    internal static (string Answer, IReadOnlyList<string> Steps) Apply(string operation, IReadOnlyList<long> values)
    {
        switch (operation)
        {
            case "max": return (values.Max().ToString(), []);
            case "min": return (values.Min().ToString(), []);
            case "sum": return (values.Sum().ToString(), [string.Join(" + ", values) + $" = {values.Sum()}"]);
            case "reverse": return (string.Join(' ', values.Reverse()), []);
            case "count-even":
                {
                    var evens = values.Where(v => v % 2 == 0).ToList();
                    return (evens.Count.ToString(), [$"evens: {string.Join(' ', evens)}"]);
                }
            case "last-minus-first": return ((values[^1] - values[0]).ToString(), [$"{values[^1]} - {values[0]}"]);
            case "second-largest":
                {
                    var sorted = values.OrderDescending().ToList();
                    return (sorted[1].ToString(), [$"sorted: {string.Join(' ', sorted)}"]);
                }
            default:
                {
                    long total = 0;
                    var running = values.Select(v => total += v).ToList();
                    return (string.Join(' ', running), []);
                }
        }
    }
}
