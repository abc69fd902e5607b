using TrainingPipeline.Data;
using TrainingPipeline.Data.Domains;
using TrainingPipeline.Tasks;

namespace TrainingPipeline.Tests.Data.Domains;

/// <summary>
/// logic-bool's training documents against boolean-logic's eval problems at difficulties 1–3, compared as expression
/// TREES read by this test's own parser (not the production keys): no "Evaluate: E" or "= E" line of a training
/// document may be an eval problem's expression, which its reduction lines would answer.
/// </summary>
public sealed class BooleanLogicLeakTests
{
    private abstract record Node;
    private sealed record Leaf(char Value) : Node;
    private sealed record Negation(Node Operand) : Node;
    private sealed record Operation(string Op, Node Left, Node Right) : Node;

    /// <summary>Reads T/F/not/and/or/parentheses with not &gt; and &gt; or, left-associative; null for anything else.</summary>
    private static Node? Parse(string expression)
    {
        var tokens = expression.Replace("(", " ( ").Replace(")", " ) ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = 0;
        Node? Primary()
        {
            if (at >= tokens.Length) return null;
            var token = tokens[at++];
            if (token == "not") return Primary() is { } operand ? new Negation(operand) : null;
            if (token is "T" or "F") return new Leaf(token[0]);
            if (token != "(") return null;
            var inner = Binary(0);
            return inner is not null && at < tokens.Length && tokens[at++] == ")" ? inner : null;
        }
        Node? Binary(int level)
        {
            string op = level == 0 ? "or" : "and";
            var left = level == 0 ? Binary(1) : Primary();
            while (left is not null && at < tokens.Length && tokens[at] == op)
            {
                at++;
                var right = level == 0 ? Binary(1) : Primary();
                left = right is null ? null : new Operation(op, left, right);
            }
            return left;
        }
        var tree = Binary(0);
        return tree is not null && at == tokens.Length ? tree : null;
    }

    /// <summary>The tree with the operands of each and/or in a fixed order: equal problems print alike.</summary>
    private static string Canonical(Node node) => node switch
    {
        Leaf l => l.Value.ToString(),
        Negation n => "!" + Canonical(n.Operand),
        Operation o => string.CompareOrdinal(Canonical(o.Left), Canonical(o.Right)) <= 0
            ? $"[{Canonical(o.Left)} {o.Op} {Canonical(o.Right)}]" : $"[{Canonical(o.Right)} {o.Op} {Canonical(o.Left)}]",
        _ => throw new InvalidOperationException(),
    };

    private static HashSet<string> EvalTrees()
    {
        var family = TaskRegistry.Get("boolean-logic");
        var trees = new HashSet<string>(StringComparer.Ordinal);
        for (int difficulty = 1; difficulty <= 3; difficulty++)
            for (long seed = 0; seed < 3000; seed++)
            {
                var problem = family.Generate(seed, difficulty);
                if (ProblemSplits.Of(problem.Prompt) != ProblemSplit.Eval) continue;
                var tree = Parse(problem.Prompt.TrimEnd('\n')["Eval: ".Length..]);
                Assert.NotNull(tree);
                trees.Add(Canonical(tree));
            }
        return trees;
    }

    private static IEnumerable<string> ExpressionTrees(string document)
    {
        foreach (var line in document.Split('\n'))
        {
            var body = line.StartsWith("Evaluate: ", StringComparison.Ordinal) ? line["Evaluate: ".Length..]
                : line.StartsWith("= ", StringComparison.Ordinal) ? line[2..] : null;
            if (body is not null && Parse(body) is { } tree) yield return Canonical(tree);
        }
    }

    [Fact]
    public void LogicBoolTrainingDocumentsHoldNoBooleanLogicEvalExpression()
    {
        var eval = EvalTrees();
        Assert.NotEmpty(eval);
        int posed = 0;
        for (int difficulty = 1; difficulty <= 3; difficulty++)
        {
            var domain = DomainRegistry.Get(difficulty == 1 ? "logic-bool" : $"logic-bool@{difficulty}");
            var leaked = domain.Documents(11, CorpusRole.Training).Take(3000)
                .SelectMany(ExpressionTrees).Where(eval.Contains).ToList();
            Assert.True(leaked.Count == 0, $"logic-bool@{difficulty}: {leaked.Count} eval expressions, e.g. {leaked.FirstOrDefault()}");
            posed += domain.Documents(11, CorpusRole.Evaluation).Take(100).SelectMany(ExpressionTrees).Count(eval.Contains);
        }
        // The comparison can fail: the domain's evaluation corpora pose exactly such problems.
        Assert.True(posed > 0, "the tree comparison found no eval expression even in logic-bool's evaluation corpora");
    }
}
