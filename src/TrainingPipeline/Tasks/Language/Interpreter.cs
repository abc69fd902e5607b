using System.Runtime.CompilerServices;
using System.Text;

namespace TrainingPipeline.Tasks.Language;

/// <summary>
/// Runs task-language programs under <see cref="ExecutionLimits"/>. Values are 64-bit integers; overflow, division
/// by zero, undefined variables and exhausted input are runtime errors. Every failure, including budgets running
/// out, comes back as <see cref="ExecutionResult.Error"/>: running a program never throws and never hangs.
/// </summary>
public static class Interpreter
{
    public static ExecutionResult Run(string source, ExecutionLimits? limits = null, IReadOnlyList<long>? inputs = null)
    {
        limits ??= ExecutionLimits.Default;
        ProgramSyntax program;
        try
        {
            program = Parser.Parse(source, limits);
        }
        catch (SyntaxErrorException e)
        {
            return new ExecutionResult([], [], false, new ExecutionError(ExecutionErrorKind.Syntax, e.Problem, e.Line), 0);
        }
        catch (InsufficientExecutionStackException)
        {
            return new ExecutionResult([], [], false,
                new ExecutionError(ExecutionErrorKind.Syntax, "program nested too deeply", 0), 0);
        }
        return Run(program, limits, inputs);
    }

    public static ExecutionResult Run(ProgramSyntax program, ExecutionLimits? limits = null, IReadOnlyList<long>? inputs = null)
    {
        var execution = new Execution(program, limits ?? ExecutionLimits.Default, inputs ?? []);
        return execution.Run();
    }

    /// <summary>Ends a run early; caught once at the top.</summary>
    private sealed class Abort(ExecutionError error) : Exception(error.Message)
    {
        public ExecutionError Error { get; } = error;
    }

    /// <summary>Signals a function's return value through the statement loop.</summary>
    private sealed class ReturnSignal
    {
        public long Value;
    }

    private sealed class Execution(ProgramSyntax program, ExecutionLimits limits, IReadOnlyList<long> inputs)
    {
        private readonly List<string> _output = [];
        private readonly List<TraceEntry> _trace = [];
        private bool _traceTruncated;
        private int _outputChars;
        private long _steps;
        private int _callDepth;
        private int _nextInput;

        public ExecutionResult Run()
        {
            ExecutionError? error = null;
            try
            {
                ExecuteBlock(program.Statements, new Dictionary<string, long>());
            }
            catch (Abort abort)
            {
                error = abort.Error;
            }
            catch (InsufficientExecutionStackException)
            {
                error = new ExecutionError(ExecutionErrorKind.RecursionLimit, "host stack nearly exhausted", 0);
            }
            return new ExecutionResult(_output, _trace, _traceTruncated, error, _steps);
        }

        /// <summary>Runs statements; returns a signal when a 'return' executed.</summary>
        private ReturnSignal? ExecuteBlock(IReadOnlyList<Stmt> statements, Dictionary<string, long> variables)
        {
            foreach (var statement in statements)
            {
                var signal = Execute(statement, variables);
                if (signal is not null) return signal;
            }
            return null;
        }

        private ReturnSignal? Execute(Stmt statement, Dictionary<string, long> variables)
        {
            Tick(statement.Line);
            switch (statement)
            {
                case AssignStmt s:
                    Assign(s.Name, Evaluate(s.Value, variables), variables, s.Line);
                    return null;
                case PrintStmt s:
                    Print(Evaluate(s.Value, variables), s.Line);
                    return null;
                case CallStmt s:
                    Evaluate(s.Call, variables);
                    return null;
                case ReturnStmt s:
                    return new ReturnSignal { Value = Evaluate(s.Value, variables) };
                case IfStmt s:
                    return ExecuteBlock(Evaluate(s.Condition, variables) != 0 ? s.Then : s.Else, variables);
                case WhileStmt s:
                    while (Evaluate(s.Condition, variables) != 0)
                    {
                        var signal = ExecuteBlock(s.Body, variables);
                        if (signal is not null) return signal;
                        Tick(s.Line);
                    }
                    return null;
                case ForStmt s:
                    {
                        var from = Evaluate(s.From, variables);
                        var to = Evaluate(s.To, variables);
                        for (var i = from; i <= to; i++)
                        {
                            Assign(s.Variable, i, variables, s.Line);
                            var signal = ExecuteBlock(s.Body, variables);
                            if (signal is not null) return signal;
                            Tick(s.Line);
                            if (i == long.MaxValue) break;
                        }
                        return null;
                    }
                default:
                    throw new InvalidOperationException($"Unknown statement {statement.GetType().Name}");
            }
        }

        private long Evaluate(Expr expression, Dictionary<string, long> variables)
        {
            Tick(expression.Line);
            RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (expression)
            {
                case NumberExpr e:
                    return e.Value;
                case VariableExpr e:
                    return variables.TryGetValue(e.Name, out var value)
                        ? value
                        : throw Fail(ExecutionErrorKind.Runtime, $"'{e.Name}' is not defined", e.Line);
                case UnaryExpr e:
                    {
                        var operand = Evaluate(e.Operand, variables);
                        if (e.Operator == "not") return operand == 0 ? 1 : 0;
                        return operand == long.MinValue
                            ? throw Fail(ExecutionErrorKind.Runtime, "integer overflow (values are 64-bit)", e.Line)
                            : -operand;
                    }
                case BinaryExpr e when e.Operator is "and" or "or":
                    {
                        var left = Evaluate(e.Left, variables) != 0;
                        if (e.Operator == "and" && !left) return 0;
                        if (e.Operator == "or" && left) return 1;
                        return Evaluate(e.Right, variables) != 0 ? 1 : 0;
                    }
                case BinaryExpr e:
                    return Binary(e.Operator, Evaluate(e.Left, variables), Evaluate(e.Right, variables), e.Line);
                case CallExpr e:
                    return Call(e, variables);
                default:
                    throw new InvalidOperationException($"Unknown expression {expression.GetType().Name}");
            }
        }

        private long Binary(string op, long a, long b, int line)
        {
            try
            {
                return op switch
                {
                    "+" => checked(a + b),
                    "-" => checked(a - b),
                    "*" => checked(a * b),
                    "/" => FloorDivide(a, b),
                    "%" => FloorModulo(a, b),
                    "==" => a == b ? 1 : 0,
                    "!=" => a != b ? 1 : 0,
                    "<" => a < b ? 1 : 0,
                    "<=" => a <= b ? 1 : 0,
                    ">" => a > b ? 1 : 0,
                    ">=" => a >= b ? 1 : 0,
                    _ => throw new InvalidOperationException($"Unknown operator {op}"),
                };
            }
            catch (OverflowException)
            {
                throw Fail(ExecutionErrorKind.Runtime, "integer overflow (values are 64-bit)", line);
            }
            catch (DivideByZeroException)
            {
                throw Fail(ExecutionErrorKind.Runtime, "division by zero", line);
            }
        }

        /// <summary>Division rounds toward negative infinity (as Python), so -7 / 2 = -4.</summary>
        public static long FloorDivide(long a, long b)
        {
            var quotient = checked(a / b);
            return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient;
        }

        /// <summary>The remainder takes the divisor's sign (as Python), so -7 % 3 = 2.</summary>
        public static long FloorModulo(long a, long b)
        {
            if (b == -1) return 0; // long.MinValue % -1 overflows in .NET; the true remainder is 0
            var remainder = a % b;
            return remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder;
        }

        private long Call(CallExpr call, Dictionary<string, long> variables)
        {
            var arguments = new long[call.Arguments.Count];
            for (var i = 0; i < arguments.Length; i++) arguments[i] = Evaluate(call.Arguments[i], variables);
            switch (call.Name)
            {
                case "abs":
                    return arguments[0] == long.MinValue
                        ? throw Fail(ExecutionErrorKind.Runtime, "integer overflow (values are 64-bit)", call.Line)
                        : Math.Abs(arguments[0]);
                case "min": return Math.Min(arguments[0], arguments[1]);
                case "max": return Math.Max(arguments[0], arguments[1]);
                case "read":
                    return _nextInput < inputs.Count
                        ? inputs[_nextInput++]
                        : throw Fail(ExecutionErrorKind.Runtime, "read() past the end of the input", call.Line);
            }
            if (!program.Functions.TryGetValue(call.Name, out var function))
                throw Fail(ExecutionErrorKind.Runtime, $"unknown function '{call.Name}'", call.Line);
            if (function.Parameters.Count != arguments.Length)
                throw Fail(ExecutionErrorKind.Runtime, $"'{call.Name}' takes {function.Parameters.Count} arguments", call.Line);
            if (_callDepth >= limits.MaxCallDepth)
                throw Fail(ExecutionErrorKind.RecursionLimit, $"calls nested deeper than {limits.MaxCallDepth}", call.Line);
            // Functions see only their parameters and their own variables, never the caller's.
            var locals = new Dictionary<string, long>();
            for (var i = 0; i < arguments.Length; i++) locals[function.Parameters[i]] = arguments[i];
            _callDepth++;
            var signal = ExecuteBlock(function.Body, locals);
            _callDepth--;
            return signal?.Value ?? 0;
        }

        private void Assign(string name, long value, Dictionary<string, long> variables, int line)
        {
            variables[name] = value;
            Record(line, $"{name} = {value}");
        }

        private void Print(long value, int line)
        {
            var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _outputChars += text.Length + 1;
            if (_outputChars > limits.MaxOutputChars)
                throw Fail(ExecutionErrorKind.OutputLimit, $"output longer than {limits.MaxOutputChars} characters", line);
            _output.Add(text);
            Record(line, $"print {text}");
        }

        private void Record(int line, string text)
        {
            if (_trace.Count < limits.MaxTraceLines) _trace.Add(new TraceEntry(line, text));
            else _traceTruncated = true;
        }

        private void Tick(int line)
        {
            if (++_steps > limits.MaxSteps)
                throw Fail(ExecutionErrorKind.StepLimit, $"more than {limits.MaxSteps} steps", line);
        }

        private static Abort Fail(ExecutionErrorKind kind, string message, int line) =>
            new(new ExecutionError(kind, message, line));
    }
}
