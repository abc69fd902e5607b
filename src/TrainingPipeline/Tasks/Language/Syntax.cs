namespace TrainingPipeline.Tasks.Language;

// The syntax tree of the task language. Every node remembers its source line for error messages and traces.

public abstract record Expr(int Line);
public sealed record NumberExpr(long Value, int Line) : Expr(Line);
public sealed record VariableExpr(string Name, int Line) : Expr(Line);
/// <summary>Operator is "-" or "not".</summary>
public sealed record UnaryExpr(string Operator, Expr Operand, int Line) : Expr(Line);
public sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Line) : Expr(Line);
public sealed record CallExpr(string Name, IReadOnlyList<Expr> Arguments, int Line) : Expr(Line);

public abstract record Stmt(int Line);
public sealed record AssignStmt(string Name, Expr Value, int Line) : Stmt(Line);
public sealed record PrintStmt(Expr Value, int Line) : Stmt(Line);
public sealed record IfStmt(Expr Condition, IReadOnlyList<Stmt> Then, IReadOnlyList<Stmt> Else, int Line) : Stmt(Line);
public sealed record WhileStmt(Expr Condition, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);
/// <summary><c>for i = from to to do … end</c>: both bounds inclusive, evaluated once.</summary>
public sealed record ForStmt(string Variable, Expr From, Expr To, IReadOnlyList<Stmt> Body, int Line) : Stmt(Line);
public sealed record ReturnStmt(Expr Value, int Line) : Stmt(Line);
public sealed record CallStmt(CallExpr Call, int Line) : Stmt(Line);

public sealed record FunctionDef(string Name, IReadOnlyList<string> Parameters, IReadOnlyList<Stmt> Body, int Line);

/// <summary>A parsed program: top-level statements and the functions it defines (top level only).</summary>
public sealed record ProgramSyntax(IReadOnlyList<Stmt> Statements, IReadOnlyDictionary<string, FunctionDef> Functions);
