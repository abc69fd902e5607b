using System.Text;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Integer expressions with + - * and parentheses, reduced one operation per line (innermost-leftmost first, which
/// respects precedence), ending <c>Answer: N</c>. Difficulty d uses d + 1 operators; intermediate results stay
/// non-negative so no unary minus appears.
/// </summary>
public sealed class ArithmeticExpressionDomain(int difficulty = 1) : GeneratedDomain(
    "arith-expr", "math", "Expressions with + - * and parentheses reduced step by step, ending 'Answer: N'.",
    difficulty, maxDifficulty: 6)
{
    /// <summary>
    /// "Evaluate: 3 + 5 * 2" is chained-arithmetic's "Compute: 3 + 5 * 2" (one canonical key), and every worked step
    /// ("= 6 * 72" then "= 432") states a binary addition, subtraction or multiplication problem with its answer.
    /// </summary>
    public override IReadOnlyList<string> RendersFamilies => ["addition", "subtraction", "multiplication", "chained-arithmetic"];

    /// <summary>
    /// v2: documents whose reduction steps state an eval problem are skipped (they were kept in v1). v3: so are those
    /// where a sub-expression reduced inside a longer line states one ("= 27 * 20 - 4" then "= 540 - 4" states
    /// 27 * 20 = 540; <see cref="ProblemKeys.StatedProblemKeys"/>, used by the contamination check too).
    /// </summary>
    protected override int GeneratorVersion => 3;

    protected override string Generate(SplitMix64 random)
    {
        Node tree;
        do tree = Build(random, Difficulty + 1, Difficulty <= 2 ? 9 : 20);
        while (!tree.StaysNonNegative());
        var text = new StringBuilder();
        text.Append("Evaluate: ").Append(tree).Append('\n');
        while (tree.Op is not null)
        {
            tree = tree.ReduceOnce();
            text.Append("= ").Append(tree).Append('\n');
        }
        text.Append("Answer: ").Append(tree.Value).Append('\n');
        return text.ToString();
    }

    private static Node Build(SplitMix64 random, int operators, int maxLeaf)
    {
        if (operators == 0) return new Node(null, random.Between(1, maxLeaf), null, null);
        var leftOperators = random.Next(operators);
        var op = random.Pick(['+', '-', '*']);
        return new Node(op, 0, Build(random, leftOperators, maxLeaf), Build(random, operators - 1 - leftOperators, maxLeaf));
    }

    private sealed record Node(char? Op, long Value, Node? Left, Node? Right)
    {
        public long Evaluate() => Op switch
        {
            null => Value,
            '+' => Left!.Evaluate() + Right!.Evaluate(),
            '-' => Left!.Evaluate() - Right!.Evaluate(),
            _ => Left!.Evaluate() * Right!.Evaluate(),
        };

        public bool StaysNonNegative() => Op is null || (Evaluate() >= 0 && Left!.StaysNonNegative() && Right!.StaysNonNegative());

        /// <summary>Replaces the leftmost operation whose operands are both numbers by its result.</summary>
        public Node ReduceOnce()
        {
            if (Left!.Op is null && Right!.Op is null) return new Node(null, Evaluate(), null, null);
            return Left.Op is not null ? this with { Left = Left.ReduceOnce() } : this with { Right = Right!.ReduceOnce() };
        }

        private static int Precedence(char? op) => op is '*' ? 2 : op is null ? 3 : 1;

        public override string ToString()
        {
            if (Op is null) return Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var left = Precedence(Left!.Op) < Precedence(Op) ? $"({Left})" : Left.ToString();
            // a - (b + c) and a * (b * c) keep their parentheses on the right; only a + (b + c) could drop them, but
            // keeping them shows the order the reduction follows.
            var right = Precedence(Right!.Op) <= Precedence(Op) ? $"({Right})" : Right.ToString();
            return $"{left} {Op} {right}";
        }
    }
}
