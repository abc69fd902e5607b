using System.Diagnostics;
using System.Text;
using CsCheck;
using TrainingPipeline.Tasks;
using TrainingPipeline.Tasks.Language;

namespace TrainingPipeline.Tests.Tasks.Language;

/// <summary>
/// Property: for any source text, running it returns (never throws, never hangs) and respects every budget.
/// Programs mix grammar-shaped code with infinite loops, runaway recursion, huge outputs, overflowing numbers,
/// deep nesting and plain token soup.
/// </summary>
public class InterpreterFuzzTests
{
    private static readonly ExecutionLimits Limits = ExecutionLimits.Verification;

    [Fact]
    public void TenThousandRandomAndAdversarialProgramsRunBoundedWithoutCrashing()
    {
        var kinds = new int[Enum.GetValues<ExecutionErrorKind>().Length + 1];
        Gen.ULong.Sample(seed =>
        {
            var source = AdversarialPrograms.Build(new TaskRng(seed));
            var clock = Stopwatch.StartNew();
            var result = Interpreter.Run(source, Limits, [1, 2, 3]);
            clock.Stop();
            Assert.True(clock.ElapsedMilliseconds < 2_000, $"took {clock.ElapsedMilliseconds} ms:\n{source}");
            Assert.True(result.StepsUsed <= Limits.MaxSteps + 1);
            Assert.True(result.OutputLines.Sum(l => l.Length + 1) <= Limits.MaxOutputChars);
            Assert.True(result.Trace.Count <= Limits.MaxTraceLines);
            Assert.Equal(result.Error is null, result.Succeeded);
            kinds[result.Error is null ? 0 : 1 + (int)result.Error.Kind]++;
        }, iter: 10_000, threads: 1);
        // The generator must really reach every outcome, or the property proves little.
        Assert.All(kinds, count => Assert.True(count >= 20, $"outcome counts (ok, then by error kind): {string.Join(", ", kinds)}"));
    }
}

/// <summary>Builds hostile programs from a seed.</summary>
internal static class AdversarialPrograms
{
    private static readonly string[] Soup =
        ["if", "then", "else", "end", "while", "do", "for", "to", "func", "return", "print", "and", "or", "not",
         "x", "y", "f", "read", "(", ")", ",", ";", "\n", "+", "-", "*", "/", "%", "==", "<", ">=", "=", "0", "1",
         "9223372036854775807", "99999999999999999999", "$", "@"];

    public static string Build(TaskRng rng)
    {
        var text = new StringBuilder();
        switch (rng.Between(0, 9))
        {
            case 0:
                for (var i = rng.Between(1, 60); i > 0; i--) text.Append(rng.Pick(Soup)).Append(' ');
                break;
            case 1: // infinite or very long loops
                text.Append("x = 0\nwhile ").Append(rng.Pick(["1", "x >= 0", "x < 10"])).Append(" do\n  x = x + ")
                    .Append(rng.Between(0, 2)).Append("\nend\nprint x");
                break;
            case 2: // runaway recursion, linear or branching
                text.Append("func f(n)\n  return ").Append(rng.Pick(["f(n + 1)", "f(n - 1) + f(n - 1)", "n * f(n)"]))
                    .Append("\nend\nprint f(").Append(rng.Between(0, 40)).Append(')');
                break;
            case 3: // huge output
                text.Append("for i = 1 to ").Append(rng.Pick(["100", "100000", "9223372036854775807"]))
                    .Append(" do\n  print i * 1000000007\nend");
                break;
            case 4: // huge numbers: repeated squaring overflows
                text.Append("x = ").Append(rng.Between(2, 9)).Append("\nfor i = 1 to ").Append(rng.Between(1, 80))
                    .Append(" do\n  x = x * x\nend\nprint x");
                break;
            case 5: // deep nesting
                {
                    var depth = rng.Between(1, 80);
                    text.Append("print ").Append(new string('(', depth)).Append('1').Append(new string(')', rng.Between(depth - 1, depth)));
                    break;
                }
            case 6: // arithmetic edge cases
                text.Append("x = ").Append(rng.Pick(["-9223372036854775807 - 1", "0", "read()", "read() - read()"]))
                    .Append("\nprint ").Append(rng.Pick(["x / 0", "x % 0", "x / -1", "x % -1", "-x", "abs(x)", "x - 1", "read() + read()"]));
                break;
            default:
                text.Append(Structured(rng, rng.Between(1, 4), 0));
                break;
        }
        return text.ToString();
    }

    /// <summary>Grammar-shaped random statements over x, y and a function f.</summary>
    private static string Structured(TaskRng rng, int statements, int depth)
    {
        var text = new StringBuilder();
        if (depth == 0) text.Append("func f(a)\n  if a < ").Append(rng.Between(-2, 5)).Append(" then return a end\n  return f(a ")
            .Append(rng.Pick(["- 1", "+ 1", "/ 2", "- 2"])).Append(") + ").Append(rng.Between(0, 3)).Append("\nend\nx = 1\ny = 2\n");
        for (var i = 0; i < statements; i++)
        {
            var indent = new string(' ', 2 * depth);
            switch (rng.Between(0, depth < 3 ? 5 : 2))
            {
                case 0: text.Append(indent).Append(rng.Pick(["x", "y"])).Append(" = ").Append(Expression(rng, 3)).Append('\n'); break;
                case 1: text.Append(indent).Append("print ").Append(Expression(rng, 3)).Append('\n'); break;
                case 2: text.Append(indent).Append("y = f(").Append(Expression(rng, 2)).Append(")\n"); break;
                case 3:
                    text.Append(indent).Append("while ").Append(Expression(rng, 2)).Append(" do\n")
                        .Append(Structured(rng, rng.Between(1, 3), depth + 1)).Append(indent).Append("end\n");
                    break;
                case 4:
                    text.Append(indent).Append("for i = ").Append(Expression(rng, 1)).Append(" to ").Append(Expression(rng, 2)).Append(" do\n")
                        .Append(Structured(rng, rng.Between(1, 3), depth + 1)).Append(indent).Append("end\n");
                    break;
                default:
                    text.Append(indent).Append("if ").Append(Expression(rng, 2)).Append(" then\n")
                        .Append(Structured(rng, rng.Between(1, 2), depth + 1)).Append(indent).Append("else\n")
                        .Append(Structured(rng, 1, depth + 1)).Append(indent).Append("end\n");
                    break;
            }
        }
        return text.ToString();
    }

    private static string Expression(TaskRng rng, int depth)
    {
        if (depth == 0 || rng.Between(0, 2) == 0)
            return rng.Pick(["x", "y", "i", "read()", rng.Between(-3, 12).ToString(), "9223372036854775807"]);
        var op = rng.Pick(["+", "-", "*", "/", "%", "<", "==", "and", "or"]);
        return $"({Expression(rng, depth - 1)} {op} {Expression(rng, depth - 1)})";
    }
}
