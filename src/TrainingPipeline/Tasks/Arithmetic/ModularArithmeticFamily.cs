using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Remainders: 1 'a mod m'; 2 a sum mod m; 3 a product mod m; 4-6 powers 'a^k mod m' with growing k and m,
/// solved by reducing after every multiplication.
/// </summary>
public sealed class ModularArithmeticFamily : GeneratedTaskFamily
{
    public override string Name => "modular-arithmetic";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Compute remainders of numbers, sums, products and powers modulo m.";
    public override string PromptFormat => "'What is 47 mod 5?', '(12 + 45) mod 7?', '3^5 mod 11?'";
    public override string AnswerFormat => "'Answer: <integer in 0..m-1>'; numeric comparison.";
    public override int MaxDifficulty => 6;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var m = rng.Between(2 + difficulty, 5 + 4 * difficulty);
        switch (difficulty)
        {
            case 1:
                {
                    var a = rng.Between(10, 60);
                    return new GeneratedProblem($"What is {a} mod {m}?", [], (a % m).ToString());
                }
            case 2:
            case 3:
                {
                    var a = rng.Between(10, 99);
                    var b = rng.Between(10, 99);
                    var op = difficulty == 2 ? '+' : '*';
                    var value = difficulty == 2 ? a + b : a * b;
                    return new GeneratedProblem($"What is ({a} {op} {b}) mod {m}?", [$"{a} {op} {b} = {value}"], (value % m).ToString());
                }
            default:
                {
                    var a = rng.Between(2, 9 + difficulty);
                    var k = rng.Between(2 * difficulty - 4, 3 * difficulty - 4);
                    var steps = new List<string>();
                    var power = a % m;
                    steps.Add($"{a}^1 mod {m} = {power}");
                    for (var i = 2; i <= k; i++)
                    {
                        var next = power * a % m;
                        steps.Add($"{a}^{i} mod {m} = {power} * {a} mod {m} = {next}");
                        power = next;
                    }
                    return new GeneratedProblem($"What is {a}^{k} mod {m}?", steps, power.ToString());
                }
        }
    }
}
