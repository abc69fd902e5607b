namespace TrainingPipeline.Tasks.Language;

/// <summary>Enumerates nodes of a syntax tree (depth is bounded by the parser's nesting limit).</summary>
public static class SyntaxWalker
{
    public static IEnumerable<CallExpr> Calls(Stmt statement) => Expressions(statement).SelectMany(CallsIn);

    /// <summary>The expressions directly or indirectly held by a statement.</summary>
    public static IEnumerable<Expr> Expressions(Stmt statement) => statement switch
    {
        AssignStmt s => [s.Value],
        PrintStmt s => [s.Value],
        ReturnStmt s => [s.Value],
        CallStmt s => [s.Call],
        IfStmt s => s.Then.Concat(s.Else).SelectMany(Expressions).Prepend(s.Condition),
        WhileStmt s => s.Body.SelectMany(Expressions).Prepend(s.Condition),
        ForStmt s => s.Body.SelectMany(Expressions).Prepend(s.To).Prepend(s.From),
        _ => throw new InvalidOperationException($"Unknown statement {statement.GetType().Name}"),
    };

    private static IEnumerable<CallExpr> CallsIn(Expr expression)
    {
        var pending = new Stack<Expr>();
        pending.Push(expression);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case CallExpr call:
                    yield return call;
                    foreach (var argument in call.Arguments) pending.Push(argument);
                    break;
                case UnaryExpr unary: pending.Push(unary.Operand); break;
                case BinaryExpr binary: pending.Push(binary.Left); pending.Push(binary.Right); break;
            }
        }
    }
}
