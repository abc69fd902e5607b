using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Next term of a sequence: 1 arithmetic, small step; 2 arithmetic, any step; 3 geometric; 4 alternating steps;
/// 5 quadratic (constant second differences); 6 Fibonacci-like; 7 'double and add c'. The solution names the rule.
/// </summary>
public sealed class SequenceFamily : GeneratedTaskFamily
{
    public override string Name => "sequence";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Find the next term of an integer sequence; difficulty unlocks harder rules.";
    public override string PromptFormat => "'Next: 2 5 8 11'";
    public override string AnswerFormat => "'Answer: <integer>'; numeric comparison.";
    public override int MaxDifficulty => 7;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        // A geometric sequence shows 4 terms: with 5, the start and ratio ranges that keep the numbers small enough
        // for difficulty to grow with the level leave too few distinct problems.
        var shown = difficulty == 3 ? 4 : 2 + difficulty;
        var terms = new List<long>();
        string rule;
        switch (difficulty)
        {
            case 1:
            case 2:
                {
                    long start = rng.Between(1, 9 * difficulty), step = difficulty == 1 ? rng.Between(1, 5) : rng.Between(-12, 12);
                    for (var i = 0; i <= shown; i++) terms.Add(start + i * step);
                    rule = $"add {step}";
                    break;
                }
            case 3:
                {
                    // Was start 1..5 and ratio 2..3: a space of only 10 problems (docs/tasks.md lists each level's size).
                    long start = rng.Between(1, 60), ratio = rng.Between(2, 4);
                    for (var i = 0; i <= shown; i++) terms.Add(start * (long)Math.Pow(ratio, i));
                    rule = $"multiply by {ratio}";
                    break;
                }
            case 4:
                {
                    long value = rng.Between(10, 50), up = rng.Between(5, 19), down = rng.Between(1, 9);
                    for (var i = 0; i <= shown; i++) { terms.Add(value); value += i % 2 == 0 ? up : -down; }
                    rule = $"alternately add {up} and subtract {down}";
                    break;
                }
            case 5:
                {
                    long a = rng.Between(1, 3), b = rng.Between(-3, 5), c = rng.Between(0, 9);
                    for (var i = 1; i <= shown + 1; i++) terms.Add(a * i * i + b * i + c);
                    var differences = terms.Zip(terms.Skip(1), (x, y) => y - x).ToList();
                    rule = $"differences {string.Join(' ', differences.Take(shown - 1))} grow by {2 * a}";
                    break;
                }
            case 6:
                {
                    long x = rng.Between(1, 20), y = rng.Between(1, 30);
                    for (var i = 0; i <= shown; i++) { terms.Add(x); (x, y) = (y, x + y); }
                    rule = "each term is the sum of the two before";
                    break;
                }
            default:
                {
                    long value = rng.Between(5, 30), add = rng.Between(-9, 9);
                    for (var i = 0; i <= shown; i++) { terms.Add(value); value = 2 * value + add; }
                    rule = $"double and add {add}";
                    break;
                }
        }
        var answer = terms[shown];
        var steps = difficulty == 1 ? [] : new[] { $"rule: {rule}", $"{terms[shown - 1]} -> {answer}" };
        return new GeneratedProblem("Next: " + string.Join(' ', terms.Take(shown)), steps, answer.ToString());
    }
}
