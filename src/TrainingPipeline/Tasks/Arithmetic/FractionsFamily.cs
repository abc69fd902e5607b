using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Arithmetic;

/// <summary>
/// Fraction arithmetic: 1 same denominators; 2 different denominators; 3 subtraction; 4 multiplication;
/// 5 division; 6 three terms. The reference is in lowest terms; any equal value (6/8, 0.75) is accepted.
/// </summary>
public sealed class FractionsFamily : GeneratedTaskFamily
{
    public override string Name => "fractions";
    public override TaskCategory Category => TaskCategory.Math;
    public override string Description => "Add, subtract, multiply and divide fractions; answers by exact value.";
    public override string PromptFormat => "'What is 1/4 + 2/4?'";
    public override string AnswerFormat => "'Answer: p/q' or an integer; any exactly equal value (6/8, 0.75) is correct.";
    public override int MaxDifficulty => 6;
    protected override IAnswerFormat AnswerKind => NumericAnswerFormat.Instance;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var maxDenominator = 3 + 2 * difficulty;
        (long N, long D) Random(long? denominator = null)
        {
            var d = denominator ?? rng.Between(2, maxDenominator);
            return (rng.Between(1, (int)d - 1 + difficulty), d);
        }
        var terms = new List<(long N, long D)> { Random() };
        terms.Add(difficulty == 1 ? Random(terms[0].D) : Random());
        if (difficulty == 6) terms.Add(Random());
        var ops = difficulty switch { 1 or 2 => "+", 3 => "-", 4 => "*", 5 => "/", _ => rng.Pick(["+-", "-+", "*+", "+*"]) };
        var prompt = "What is " + terms[0].N + "/" + terms[0].D;
        for (var i = 1; i < terms.Count; i++) prompt += $" {ops[i - 1]} {terms[i].N}/{terms[i].D}";
        prompt += "?";

        var steps = new List<string>();
        // Precedence: a product or quotient binds first (only relevant for three terms).
        var values = terms.Select(t => (t.N, t.D)).ToList();
        var operators = ops.ToList();
        foreach (var pass in new[] { "*/", "+-" })
        {
            for (var i = 0; i < operators.Count;)
            {
                if (!pass.Contains(operators[i])) { i++; continue; }
                var result = Apply(values[i], operators[i], values[i + 1]);
                steps.Add($"{Show(values[i])} {operators[i]} {Show(values[i + 1])} = {Show(result)}");
                values[i] = result;
                values.RemoveAt(i + 1);
                operators.RemoveAt(i);
            }
        }
        return new GeneratedProblem(prompt, difficulty == 1 ? [] : steps, Show(values[0]));
    }

    private static (long N, long D) Apply((long N, long D) a, char op, (long N, long D) b) => Reduce(op switch
    {
        '+' => (a.N * b.D + b.N * a.D, a.D * b.D),
        '-' => (a.N * b.D - b.N * a.D, a.D * b.D),
        '*' => (a.N * b.N, a.D * b.D),
        _ => (a.N * b.D, a.D * b.N),
    });

    private static (long N, long D) Reduce((long N, long D) f)
    {
        var g = Gcd(Math.Abs(f.N), Math.Abs(f.D));
        var sign = f.D < 0 ? -1 : 1;
        return g == 0 ? (0, 1) : (sign * f.N / g, sign * f.D / g);
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    private static string Show((long N, long D) f) => f.D == 1 ? f.N.ToString() : $"{f.N}/{f.D}";
}
