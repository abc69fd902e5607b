using System.Text;

namespace TrainingPipeline.Data.Domains;

/// <summary>
/// Boolean expressions over T and F with not/and/or, reduced one operator per line, ending <c>Answer: T|F</c>.
/// Difficulty d uses d + 1 binary operators.
/// </summary>
public sealed class BooleanLogicDomain(int difficulty = 1) : GeneratedDomain(
    "logic-bool", "logic", "Boolean expressions (T, F, not, and, or) reduced step by step, ending 'Answer: T' or 'F'.",
    difficulty, maxDifficulty: 6)
{
    /// <summary>Its "Evaluate: E" is boolean-logic's "Eval: E" whenever both bracket E alike (docs/tasks.md).</summary>
    public override IReadOnlyList<string> RendersFamilies => ["boolean-logic"];

    /// <summary>2: drawn from the train split since boolean-logic's problems are keyed in its words.</summary>
    protected override int GeneratorVersion => 2;

    protected override string Generate(SplitMix64 random)
    {
        var tree = Build(random, Difficulty + 1);
        var text = new StringBuilder();
        text.Append("Evaluate: ").Append(tree).Append('\n');
        while (tree.Op is not null)
        {
            tree = tree.ReduceOnce();
            text.Append("= ").Append(tree).Append('\n');
        }
        text.Append("Answer: ").Append(tree).Append('\n');
        return text.ToString();
    }

    private static Node Build(SplitMix64 random, int operators)
    {
        Node node;
        if (operators == 0) node = new Node(null, random.Chance(0.5), null, null);
        else
        {
            var left = random.Next(operators);
            node = new Node(random.Chance(0.5) ? "and" : "or", false, Build(random, left), Build(random, operators - 1 - left));
        }
        return random.Chance(0.2) ? new Node("not", false, node, null) : node;
    }

    private sealed record Node(string? Op, bool Value, Node? Left, Node? Right)
    {
        public bool Evaluate() => Op switch
        {
            null => Value,
            "not" => !Left!.Evaluate(),
            "and" => Left!.Evaluate() && Right!.Evaluate(),
            _ => Left!.Evaluate() || Right!.Evaluate(),
        };

        private bool IsReducible => Op is not null && Left!.Op is null && (Right is null || Right.Op is null);

        /// <summary>Replaces the leftmost operator whose operands are all constants by its value.</summary>
        public Node ReduceOnce()
        {
            if (IsReducible) return new Node(null, Evaluate(), null, null);
            return Left!.Op is not null ? this with { Left = Left.ReduceOnce() } : this with { Right = Right!.ReduceOnce() };
        }

        private static int Precedence(string? op) => op switch { null => 4, "not" => 3, "and" => 2, _ => 1 };

        public override string ToString()
        {
            if (Op is null) return Value ? "T" : "F";
            if (Op == "not") return Left!.Op is null or "not" ? $"not {Left}" : $"not ({Left})";
            var left = Precedence(Left!.Op) < Precedence(Op) ? $"({Left})" : Left.ToString();
            var right = Precedence(Right!.Op) <= Precedence(Op) ? $"({Right})" : Right.ToString();
            return $"{left} {Op} {right}";
        }
    }
}
