namespace TrainingPipeline.Tasks.Language;

/// <summary>
/// Recursive-descent parser for the task language (grammar in docs/tasks.md). Nesting of blocks and
/// sub-expressions is limited so that hostile input cannot exhaust the host stack.
/// </summary>
public sealed class Parser
{
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>
    {
        "if", "then", "else", "end", "while", "do", "for", "to", "func", "return", "print", "and", "or", "not",
    };

    /// <summary>Functions every program can call: abs(x), min(a, b), max(a, b), read() (next input).</summary>
    public static readonly IReadOnlyDictionary<string, int> Builtins = new Dictionary<string, int>
    {
        ["abs"] = 1,
        ["min"] = 2,
        ["max"] = 2,
        ["read"] = 0,
    };

    private static readonly string[][] BinaryLevels =
    [
        ["or"], ["and"], ["==", "!=", "<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"],
    ];

    private readonly IReadOnlyList<Token> _tokens;
    private readonly int _maxNesting;
    private int _position;
    private int _nesting;
    private bool _inFunction;

    private Parser(IReadOnlyList<Token> tokens, int maxNesting)
    {
        _tokens = tokens;
        _maxNesting = maxNesting;
    }

    public static ProgramSyntax Parse(string source, ExecutionLimits? limits = null)
    {
        limits ??= ExecutionLimits.Default;
        if (source.Length > limits.MaxSourceChars)
            throw new SyntaxErrorException($"source has {source.Length} characters, limit {limits.MaxSourceChars}", 0);
        var parser = new Parser(Lexer.Tokenize(source), limits.MaxNestingDepth);
        return parser.ParseProgram();
    }

    private Token Current => _tokens[_position];

    private ProgramSyntax ParseProgram()
    {
        var statements = new List<Stmt>();
        var functions = new Dictionary<string, FunctionDef>();
        SkipSeparators();
        while (Current.Kind != TokenKind.EndOfInput)
        {
            if (IsName("func"))
            {
                var function = ParseFunction();
                if (Builtins.ContainsKey(function.Name) || !functions.TryAdd(function.Name, function))
                    throw new SyntaxErrorException($"function '{function.Name}' is already defined", function.Line);
            }
            else statements.Add(ParseStatement());
            EndStatement();
        }
        CheckCalls(statements, functions);
        return new ProgramSyntax(statements, functions);
    }

    private FunctionDef ParseFunction()
    {
        var line = Expect("func").Line;
        if (_inFunction) throw new SyntaxErrorException("functions can only be defined at the top level", line);
        var name = ExpectIdentifier();
        Expect("(");
        var parameters = new List<string>();
        if (!IsSymbol(")"))
        {
            do
            {
                var parameter = ExpectIdentifier();
                if (parameters.Contains(parameter))
                    throw new SyntaxErrorException($"parameter '{parameter}' repeated", line);
                parameters.Add(parameter);
            } while (Accept(","));
        }
        Expect(")");
        _inFunction = true;
        var body = ParseBlock("end");
        _inFunction = false;
        Expect("end");
        return new FunctionDef(name, parameters, body, line);
    }

    private IReadOnlyList<Stmt> ParseBlock(params string[] terminators)
    {
        Enter();
        var statements = new List<Stmt>();
        SkipSeparators();
        while (!terminators.Any(IsName))
        {
            if (Current.Kind == TokenKind.EndOfInput)
                throw new SyntaxErrorException($"missing '{terminators[0]}'", Current.Line);
            if (IsName("func")) throw new SyntaxErrorException("functions can only be defined at the top level", Current.Line);
            statements.Add(ParseStatement());
            if (!terminators.Any(IsName)) EndStatement();
        }
        _nesting--;
        return statements;
    }

    private Stmt ParseStatement()
    {
        var line = Current.Line;
        if (Accept("print")) return new PrintStmt(ParseExpression(), line);
        if (Accept("return"))
        {
            if (!_inFunction) throw new SyntaxErrorException("'return' outside a function", line);
            return new ReturnStmt(ParseExpression(), line);
        }
        if (Accept("if")) return ParseIfRest(line);
        if (Accept("while"))
        {
            var condition = ParseExpression();
            Expect("do");
            var body = ParseBlock("end");
            Expect("end");
            return new WhileStmt(condition, body, line);
        }
        if (Accept("for"))
        {
            var variable = ExpectIdentifier();
            Expect("=");
            var from = ParseExpression();
            Expect("to");
            var to = ParseExpression();
            Expect("do");
            var body = ParseBlock("end");
            Expect("end");
            return new ForStmt(variable, from, to, body, line);
        }
        var name = ExpectIdentifier();
        if (Accept("=")) return new AssignStmt(name, ParseExpression(), line);
        if (IsSymbol("(")) return new CallStmt(ParseCall(name, line), line);
        throw new SyntaxErrorException($"expected '=' or '(' after '{name}'", line);
    }

    private IfStmt ParseIfRest(int line)
    {
        var condition = ParseExpression();
        Expect("then");
        var then = ParseBlock("else", "end");
        IReadOnlyList<Stmt> otherwise = [];
        if (Accept("else")) otherwise = ParseBlock("end");
        Expect("end");
        return new IfStmt(condition, then, otherwise, line);
    }

    private Expr ParseExpression()
    {
        Enter();
        var expression = ParseLevel(0);
        _nesting--;
        return expression;
    }

    private Expr ParseLevel(int level)
    {
        if (level == BinaryLevels.Length) return ParseUnary();
        var left = ParseLevel(level + 1);
        var isComparison = level == 2;
        while (Current.Kind is TokenKind.Symbol or TokenKind.Name && BinaryLevels[level].Contains(Current.Text))
        {
            var op = Current;
            _position++;
            var right = ParseLevel(level + 1);
            left = new BinaryExpr(op.Text, left, right, op.Line);
            // Chained comparisons (a < b < c) read ambiguously; require parentheses.
            if (isComparison && BinaryLevels[level].Contains(Current.Text))
                throw new SyntaxErrorException("comparisons cannot be chained; use 'and'", op.Line);
        }
        return left;
    }

    private Expr ParseUnary()
    {
        var line = Current.Line;
        if (Accept("-") || Accept("not"))
        {
            var op = _tokens[_position - 1].Text;
            Enter();
            var operand = ParseUnary();
            _nesting--;
            return new UnaryExpr(op, operand, line);
        }
        return ParsePrimary();
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        if (token.Kind == TokenKind.Number)
        {
            _position++;
            return new NumberExpr(long.Parse(token.Text, System.Globalization.CultureInfo.InvariantCulture), token.Line);
        }
        if (Accept("("))
        {
            var inner = ParseExpression();
            Expect(")");
            return inner;
        }
        if (token.Kind == TokenKind.Name && !Keywords.Contains(token.Text))
        {
            _position++;
            return IsSymbol("(") ? ParseCall(token.Text, token.Line) : new VariableExpr(token.Text, token.Line);
        }
        throw new SyntaxErrorException($"expected a value, found {Describe(token)}", token.Line);
    }

    private CallExpr ParseCall(string name, int line)
    {
        Expect("(");
        var arguments = new List<Expr>();
        if (!IsSymbol(")"))
        {
            do arguments.Add(ParseExpression()); while (Accept(","));
        }
        Expect(")");
        return new CallExpr(name, arguments, line);
    }

    /// <summary>Every call names a builtin or a defined function with the right number of arguments.</summary>
    private static void CheckCalls(IReadOnlyList<Stmt> statements, IReadOnlyDictionary<string, FunctionDef> functions)
    {
        void Check(CallExpr call)
        {
            var arity = Builtins.TryGetValue(call.Name, out var builtin) ? builtin
                : functions.TryGetValue(call.Name, out var function) ? function.Parameters.Count
                : throw new SyntaxErrorException($"unknown function '{call.Name}'", call.Line);
            if (arity != call.Arguments.Count)
                throw new SyntaxErrorException($"'{call.Name}' takes {arity} arguments, given {call.Arguments.Count}", call.Line);
        }
        foreach (var call in statements.Concat(functions.Values.SelectMany(f => f.Body)).SelectMany(SyntaxWalker.Calls))
            Check(call);
    }

    private void Enter()
    {
        if (++_nesting > _maxNesting)
            throw new SyntaxErrorException($"nesting deeper than {_maxNesting}", Current.Line);
    }

    private void EndStatement()
    {
        if (Current.Kind == TokenKind.EndOfInput) return;
        if (Current.Kind != TokenKind.Separator)
            throw new SyntaxErrorException($"expected end of statement, found {Describe(Current)}", Current.Line);
        SkipSeparators();
    }

    private void SkipSeparators()
    {
        while (Current.Kind == TokenKind.Separator) _position++;
    }

    private bool IsName(string text) => Current.Kind == TokenKind.Name && Current.Text == text;
    private bool IsSymbol(string text) => Current.Kind == TokenKind.Symbol && Current.Text == text;

    private bool Accept(string text)
    {
        if (Current.Kind is not (TokenKind.Name or TokenKind.Symbol) || Current.Text != text) return false;
        _position++;
        return true;
    }

    private Token Expect(string text)
    {
        var token = Current;
        if (!Accept(text)) throw new SyntaxErrorException($"expected '{text}', found {Describe(token)}", token.Line);
        return token;
    }

    private string ExpectIdentifier()
    {
        var token = Current;
        if (token.Kind != TokenKind.Name || Keywords.Contains(token.Text))
            throw new SyntaxErrorException($"expected a name, found {Describe(token)}", token.Line);
        _position++;
        return token.Text;
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.EndOfInput => "end of input",
        TokenKind.Separator => "end of line",
        _ => $"'{token.Text}'",
    };
}
