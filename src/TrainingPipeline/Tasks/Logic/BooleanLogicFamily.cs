using TrainingPipeline.Tasks.Answers;

namespace TrainingPipeline.Tasks.Logic;

/// <summary>
/// Evaluate a Boolean expression over T and F with and/or/not and parentheses; difficulty + 1 operands. The
/// solution rewrites innermost parts first.
/// </summary>
public sealed class BooleanLogicFamily : GeneratedTaskFamily
{
    public override string Name => "boolean-logic";
    public override TaskCategory Category => TaskCategory.Logic;
    public override string Description => "Evaluate a Boolean expression of T/F with not, and, or and parentheses.";
    public override string PromptFormat => "'Eval: T and not F'";
    public override string AnswerFormat => "'Answer: true' or 'Answer: false' (case-insensitive).";
    public override int MaxDifficulty => 8;
    protected override IAnswerFormat AnswerKind => TextAnswerFormat.CaseInsensitive;

    private abstract record Node;
    private sealed record Literal(bool Value) : Node;
    private sealed record Not(Node Operand) : Node;
    private sealed record Binary(string Op, Node Left, Node Right) : Node;

    protected override GeneratedProblem Build(TaskRng rng, int difficulty)
    {
        var tree = Random(rng, difficulty + 1, difficulty >= 3);
        var steps = new List<string>();
        var current = tree;
        while (current is not Literal)
        {
            current = ReduceOnce(current);
            if (current is not Literal) steps.Add(Show(current, top: true));
        }
        var answer = ((Literal)current).Value ? "true" : "false";
        return new GeneratedProblem("Eval: " + Show(tree, top: true), difficulty <= 2 ? [] : steps, answer);
    }

    private static Node Random(TaskRng rng, int operands, bool allowNot)
    {
        Node node;
        if (operands == 1) node = new Literal(rng.NextBool());
        else
        {
            var left = rng.Between(1, operands - 1);
            node = new Binary(rng.NextBool() ? "and" : "or", Random(rng, left, allowNot), Random(rng, operands - left, allowNot));
        }
        return allowNot && rng.Between(0, 3) == 0 || operands == 1 && rng.Between(0, 3) == 0 ? new Not(node) : node;
    }

    /// <summary>Evaluates one innermost operator (leftmost first).</summary>
    private static Node ReduceOnce(Node node) => node switch
    {
        Not { Operand: Literal l } => new Literal(!l.Value),
        Not n => new Not(ReduceOnce(n.Operand)),
        Binary { Left: Literal a, Right: Literal b } bin => new Literal(bin.Op == "and" ? a.Value && b.Value : a.Value || b.Value),
        Binary { Left: Literal } bin => bin with { Right = ReduceOnce(bin.Right) },
        Binary bin => bin with { Left = ReduceOnce(bin.Left) },
        _ => node,
    };

    private static string Show(Node node, bool top = false) => node switch
    {
        Literal l => l.Value ? "T" : "F",
        Not n => "not " + Show(n.Operand),
        Binary b => top ? $"{Show(b.Left)} {b.Op} {Show(b.Right)}" : $"({Show(b.Left)} {b.Op} {Show(b.Right)})",
        _ => throw new InvalidOperationException(),
    };
}
