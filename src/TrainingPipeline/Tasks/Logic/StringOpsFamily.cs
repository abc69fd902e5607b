using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>
/// One operation on a lowercase word of difficulty + 2 letters; each level adds operations to the pool
/// (reverse, first letters, remove vowels, sort letters, uppercase, count a letter, swap halves, dedupe).
/// </summary>
public sealed class StringOpsFamily : GeneratedTaskFamily
{
    private static readonly string[] Operations =
        ["reverse", "sort", "remove-vowels", "upper", "count-a", "swap-halves", "dedupe", "every-second"];

    public override string Name => "string-ops";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Apply a named string operation to a random lowercase word.";
    public override string PromptFormat => "'reverse: abc', 'sort: dcab', 'count-a: banana'";
    public override string AnswerFormat => "'Answer: <string>' (case-sensitive; a count is a number).";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseSensitive;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var operation = Operations[rng.Between(0, difficulty - 1)];
        string word;
        string answer;
        do
        {
            word = new string(Enumerable.Range(0, difficulty + 2).Select(_ => (char)('a' + rng.Between(0, 7))).ToArray());
            answer = Apply(operation, word);
        } while (answer.Length == 0);  // "remove-vowels" of an all-vowel word would leave no answer
        return new GeneratedProblem($"{operation}: {word}", [], answer);
    }

    internal static string Apply(string operation, string word) => operation switch
    {
        "reverse" => new string(word.Reverse().ToArray()),
        "sort" => new string(word.Order().ToArray()),
        "remove-vowels" => new string(word.Where(c => !"aeiou".Contains(c)).ToArray()),
        "upper" => word.ToUpperInvariant(),
        "count-a" => word.Count(c => c == 'a').ToString(),
        "swap-halves" => word[(word.Length / 2)..] + word[..(word.Length / 2)],
        "dedupe" => new string(word.Distinct().ToArray()),
        _ => new string(word.Where((_, i) => i % 2 == 0).ToArray()),
    };
}
