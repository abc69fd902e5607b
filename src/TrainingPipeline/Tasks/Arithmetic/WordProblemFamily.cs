using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// GSM-style templated stories: a person starts with some items and <c>difficulty</c> events change the count
/// (buying, giving away, doubling, sharing equally...). The solution has one calculation line per event.
/// </summary>
public sealed class WordProblemFamily : GeneratedTaskFamily
{
    private static readonly string[] People = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Ida"];
    private static readonly string[] Items = ["apples", "cards", "coins", "eggs", "pens", "books", "shells"];

    public override string Name => "word-problem";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Templated multi-step word problems; the difficulty is the number of steps.";
    public override string PromptFormat => "'Ann has 5 apples. She buys 3 more. How many apples does she have?'";
    public override string AnswerFormat => "'Answer: <integer>'; numeric comparison (units and $ ignored).";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var person = rng.Pick(People);
        var item = rng.Pick(Items);
        long count = rng.Between(2, 9 + 3 * difficulty);
        var sentences = new List<string> { $"{person} has {count} {item}." };
        var steps = new List<string>();
        for (var step = 0; step < difficulty; step++)
        {
            var kind = rng.Between(0, difficulty == 1 ? 1 : 4);
            long next;
            switch (kind)
            {
                case 0:
                    {
                        var n = rng.Between(1, 9 + difficulty);
                        next = count + n;
                        sentences.Add(rng.NextBool() ? $"She buys {n} more." : $"She finds {n} more.");
                        steps.Add($"{count} + {n} = {next}");
                        break;
                    }
                case 1 when count > 1:
                    {
                        var n = rng.Between(1, (int)Math.Min(count - 1, 9 + difficulty));
                        next = count - n;
                        sentences.Add(rng.NextBool() ? $"She gives away {n}." : $"She loses {n}.");
                        steps.Add($"{count} - {n} = {next}");
                        break;
                    }
                case 2 when count <= 200:
                    {
                        var n = rng.Between(2, 4);
                        next = count * n;
                        sentences.Add(n == 2 ? "Her stock doubles." : $"She ends up with {n} times as many.");
                        steps.Add($"{count} * {n} = {next}");
                        break;
                    }
                case 3 when Divisors(count).Count > 0:
                    {
                        var n = rng.Pick(Divisors(count));
                        next = count / n;
                        sentences.Add($"She splits them equally among {n} friends and keeps one share.");
                        steps.Add($"{count} / {n} = {next}");
                        break;
                    }
                default:
                    {
                        var n = rng.Between(2, 5);
                        var each = rng.Between(2, 6);
                        next = count + n * each;
                        sentences.Add($"She gets {n} bags of {each}.");
                        steps.Add($"{count} + {n} * {each} = {next}");
                        break;
                    }
            }
            count = next;
        }
        sentences.Add($"How many {item} now?");
        return new GeneratedProblem(string.Join(' ', sentences), difficulty == 1 ? [] : steps, count.ToString());
    }

    private static IReadOnlyList<int> Divisors(long n) =>
        Enumerable.Range(2, 4).Where(d => n % d == 0 && n / d >= 1).ToList();
}
