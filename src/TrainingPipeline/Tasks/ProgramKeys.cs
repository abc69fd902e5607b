using System.Text;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tasks;

/// <summary>
/// The canonical form of a task-language program, so that two prompts holding the same program up to variable
/// names, layout (indentation, blank lines, <c>;</c> or newline) or the order of a commutative operation's operands
/// (<c>a + b</c>, <c>a * b</c>, <c>==</c>, <c>!=</c>; <c>a &gt; b</c> is <c>b &lt; a</c>) share a key (<c>and</c> and
/// <c>or</c> short-circuit, so <c>0 and 1 / 0</c> is not <c>1 / 0 and 0</c>). Names (variables, parameters, functions) are renamed <c>v1</c>, <c>v2</c>, … in order of first appearance,
/// functions before statements. Operands holding a call are never swapped: <c>read()</c> takes inputs in order.
/// </summary>
internal static class ProgramKeys
{
    /// <summary>The canonical program, or null when the text does not parse.</summary>
    public static string? Canonical(string source)
    {
        ProgramSyntax program;
        try
        {
            program = Parser.Parse(source);
        }
        catch (SyntaxErrorException)
        {
            return null;
        }
        var writer = new Writer();
        foreach (var function in program.Functions.Values.OrderBy(f => f.Line)) writer.Function(function);
        foreach (var statement in program.Statements) writer.Statement(statement);
        return writer.ToString();
    }

    private sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public override string ToString() => _text.ToString().TrimEnd();

        private string Name(string name)
        {
            if (Parser.Builtins.ContainsKey(name)) return name;
            if (!_names.TryGetValue(name, out var renamed)) _names[name] = renamed = "v" + (_names.Count + 1);
            return renamed;
        }

        public void Function(FunctionDef function)
        {
            _text.Append("func ").Append(Name(function.Name)).Append('(')
                .AppendJoin(", ", function.Parameters.Select(Name)).Append("); ");
            Block(function.Body);
            _text.Append("end; ");
        }

        private void Block(IReadOnlyList<Stmt> statements)
        {
            foreach (var statement in statements) Statement(statement);
        }

        public void Statement(Stmt statement)
        {
            switch (statement)
            {
                case AssignStmt s:
                    // The value first: in "a = a + 1" the name is used before it is (re)assigned.
                    var value = Expression(s.Value);
                    _text.Append(Name(s.Name)).Append(" = ").Append(value);
                    break;
                case PrintStmt s: _text.Append("print ").Append(Expression(s.Value)); break;
                case ReturnStmt s: _text.Append("return ").Append(Expression(s.Value)); break;
                case CallStmt s: _text.Append(Expression(s.Call)); break;
                case IfStmt s:
                    _text.Append("if ").Append(Expression(s.Condition)).Append(" then; ");
                    Block(s.Then);
                    if (s.Else.Count > 0) { _text.Append("else; "); Block(s.Else); }
                    _text.Append("end");
                    break;
                case WhileStmt s:
                    _text.Append("while ").Append(Expression(s.Condition)).Append(" do; ");
                    Block(s.Body);
                    _text.Append("end");
                    break;
                case ForStmt s:
                    var from = Expression(s.From);
                    var to = Expression(s.To);
                    _text.Append("for ").Append(Name(s.Variable)).Append(" = ").Append(from).Append(" to ").Append(to).Append(" do; ");
                    Block(s.Body);
                    _text.Append("end");
                    break;
                default: throw new InvalidOperationException($"Unknown statement {statement.GetType().Name}");
            }
            _text.Append("; ");
        }

        /// <summary>Fully parenthesised, so the text is unambiguous whatever the precedence.</summary>
        private string Expression(Expr expression)
        {
            switch (expression)
            {
                case NumberExpr n: return n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                case VariableExpr v: return Name(v.Name);
                case UnaryExpr u: return $"({u.Operator} {Expression(u.Operand)})";
                case CallExpr c: return $"{Name(c.Name)}({string.Join(", ", c.Arguments.Select(Expression))})";
                case BinaryExpr b:
                    var (op, leftExpr, rightExpr) = b.Operator switch
                    {
                        ">" => ("<", b.Right, b.Left),
                        ">=" => ("<=", b.Right, b.Left),
                        _ => (b.Operator, b.Left, b.Right),
                    };
                    // Names are given in source order (left operand first) before the operands are ordered.
                    var left = Expression(leftExpr);
                    var right = Expression(rightExpr);
                    bool commutative = op is "+" or "*" or "==" or "!=";
                    if (commutative && !HasCall(leftExpr) && !HasCall(rightExpr) && string.CompareOrdinal(left, right) > 0)
                        (left, right) = (right, left);
                    return $"({left} {op} {right})";
                default: throw new InvalidOperationException($"Unknown expression {expression.GetType().Name}");
            }
        }

        private static bool HasCall(Expr expression) => expression switch
        {
            CallExpr => true,
            UnaryExpr u => HasCall(u.Operand),
            BinaryExpr b => HasCall(b.Left) || HasCall(b.Right),
            _ => false,
        };
    }
}
