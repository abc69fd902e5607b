using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Linear equations in x with an integer solution, solved by moving terms then dividing, ending <c>Answer: x</c>.
/// Levels 1-2: <c>ax + b = c</c> (level 2 allows negative x); level 3+: x on both sides, larger coefficients.
/// </summary>
public sealed class LinearEquationDomain(int difficulty = 1) : GeneratedDomain(
    "algebra-linear", "math", "Linear equations ax + b = c (x on both sides at level 3+) solved step by step.",
    difficulty, maxDifficulty: 4)
{
    public override IReadOnlyList<string> RendersFamilies => ["linear-equation"];

    protected override string Generate(SplitMix64 random)
    {
        var maxCoefficient = Difficulty == 1 ? 9 : 12 * Difficulty;
        var x = Difficulty == 1 ? random.Between(1, 12) : random.Between(-12 * Difficulty, 12 * Difficulty);
        var a = random.Between(2, maxCoefficient);
        var b = random.Between(1, maxCoefficient) * (random.Chance(0.5) ? 1 : -1);
        var text = new StringBuilder();
        if (Difficulty < 3)
        {
            var c = a * x + b;
            text.Append("Solve for x: ").Append(Term(a)).Append(Signed(b)).Append(" = ").Append(c).Append('\n');
            text.Append(Term(a)).Append(" = ").Append(c).Append(Signed(-b)).Append('\n');
            text.Append(Term(a)).Append(" = ").Append(c - b).Append('\n');
        }
        else
        {
            // ax + b = cx + e with 1 <= c < a, so the x terms collect on the left with a positive coefficient.
            var c = random.Between(1, a - 1);
            var e = (a - c) * x + b;
            text.Append("Solve for x: ").Append(Term(a)).Append(Signed(b)).Append(" = ").Append(Term(c)).Append(Signed(e)).Append('\n');
            text.Append(Term(a)).Append(" - ").Append(Term(c)).Append(" = ").Append(e).Append(Signed(-b)).Append('\n');
            a -= c;
            text.Append(Term(a)).Append(" = ").Append(e - b).Append('\n');
        }
        if (a != 1) text.Append("x = ").Append(a * x).Append(" / ").Append(a).Append('\n');
        text.Append("Answer: ").Append(x).Append('\n');
        return text.ToString();
    }

    private static string Term(long coefficient) => coefficient == 1 ? "x" : $"{coefficient}x";

    private static string Signed(long value) => value < 0 ? $" - {-value}" : $" + {value}";
}
